namespace Exim.Abstractions.Hints;

/// <summary>
/// Thrown by <see cref="IHintsStore.UpdateAsync{TResult}"/> when the store cannot be used (it cannot be opened, or
/// another process held its lock too long): a read-compute-write cannot be done atomically, so its caller must not act
/// as if it had been. Exim's ratelimit condition defers in that case ("ratelimit database not available").
/// </summary>
public sealed class HintsUnavailableException : Exception
{
    /// <summary>Creates the exception with a default message.</summary>
    public HintsUnavailableException()
        : base("hints database not available")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What could not be used, e.g. "ratelimit database not available".</param>
    public HintsUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    /// <param name="message">What could not be used.</param>
    /// <param name="innerException">The cause.</param>
    public HintsUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
