namespace Exim.Mail.Transports.Smtp.Auth;

/// <summary>
/// What AUTH came to: <see cref="Authenticator"/> (Exim's <c>A=</c> value) when the server accepted us; otherwise why
/// not, in Exim's words for "authentication required but ...", or <see cref="Reply"/> when the server answered a
/// temporary error or closed the connection (the host is then deferred as for any reply during set-up).
/// </summary>
internal sealed record ClientAuthResult(string? Authenticator, string FailReason, SmtpReply? Reply = null, bool Lost = false, string? Command = null);
