namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>A TLS session could not be set up on our side (a file named by an option is missing or unreadable).</summary>
internal sealed class TlsSetupException(string option, string message) : Exception($"({option}): {message}");
