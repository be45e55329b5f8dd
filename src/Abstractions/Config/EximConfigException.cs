namespace Exim.Abstractions.Config;

/// <summary>A configuration value is missing, of the wrong type, or out of range.</summary>
public sealed class EximConfigException : Exception
{
    /// <summary>Creates the exception for one diagnostic.</summary>
    /// <param name="diagnostic">Where and what.</param>
    public EximConfigException(ConfigDiagnostic diagnostic)
        : base(diagnostic?.ToString()) => Diagnostic = diagnostic!;

    /// <summary>Creates the exception without a position.</summary>
    public EximConfigException() : this(new ConfigDiagnostic("", 0, 0, "configuration error")) { }

    /// <summary>Creates the exception without a position.</summary>
    /// <param name="message">What is wrong.</param>
    public EximConfigException(string message) : this(new ConfigDiagnostic("", 0, 0, message)) { }

    /// <summary>Creates the exception without a position.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="innerException">The cause.</param>
    public EximConfigException(string message, Exception innerException)
        : base(message, innerException) => Diagnostic = new ConfigDiagnostic("", 0, 0, message);

    /// <summary>Where and what.</summary>
    public ConfigDiagnostic Diagnostic { get; }
}
