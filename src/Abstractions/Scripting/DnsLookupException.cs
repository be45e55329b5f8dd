namespace Exim.Abstractions.Scripting;

/// <summary>A script's DNS lookup could not complete (a timeout or a server failure, not "no such name").</summary>
public sealed class DnsLookupException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DnsLookupException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public DnsLookupException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public DnsLookupException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
