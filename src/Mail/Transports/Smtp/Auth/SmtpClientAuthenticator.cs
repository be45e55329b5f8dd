using System.Text;

namespace Exim.Mail.Transports.Smtp.Auth;

/// <summary>
/// The client side of SMTP AUTH (RFC 4954) with the PLAIN (RFC 4616) and LOGIN mechanisms, tried in that order among
/// those the server advertised, as Exim's smtp_auth scans its client authenticators. A 5xx to one mechanism is logged
/// (<c>plain authenticator failed H=host [ip] 535 ...</c>) and the next is tried; a 4xx or a closed connection ends
/// the attempt. The credentials never appear in <see cref="SmtpClientConnection.LastCommand"/> or a log line.
/// </summary>
internal static class SmtpClientAuthenticator
{
    private static readonly string[] Mechanisms = ["PLAIN", "LOGIN"];

    public static async Task<ClientAuthResult> AuthenticateAsync(SmtpClientConnection c, AuthCredentials credentials, TimeSpan timeout,
        Action<string, SmtpReply> failed, CancellationToken cancellationToken)
    {
        var reason = "no common mechanisms were found";
        foreach (var mechanism in Mechanisms)
        {
            if (!c.AuthMechanisms.Contains(mechanism)) continue;
            reason = "authentication attempt(s) failed";
            var reply = mechanism == "PLAIN"
                ? await PlainAsync(c, credentials, timeout, cancellationToken).ConfigureAwait(false)
                : await LoginAsync(c, credentials, timeout, cancellationToken).ConfigureAwait(false);
            if (reply is null) return new ClientAuthResult(null, reason, Lost: true, Command: c.LastCommand);
            if (reply.Code is >= 200 and < 300) return new ClientAuthResult($"{mechanism.ToLowerInvariant()}:{credentials.User}", "");
            if (reply.Code is >= 500 and < 600)
            {
                failed(mechanism.ToLowerInvariant(), reply);
                continue;
            }
            return new ClientAuthResult(null, reason, reply, Command: c.LastCommand);
        }
        return new ClientAuthResult(null, reason);
    }

    /// <summary>AUTH PLAIN with the initial response: authzid (empty), authcid and password, NUL-separated.</summary>
    private static async Task<SmtpReply?> PlainAsync(SmtpClientConnection c, AuthCredentials credentials, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var token = Base64($"\0{credentials.User}\0{credentials.Password}");
        await c.SendSecretAsync($"AUTH PLAIN {token}\r\n", "AUTH PLAIN " + new string('*', token.Length), timeout, cancellationToken).ConfigureAwait(false);
        return await c.ReadReplyAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>AUTH LOGIN: the user name and the password, each after a 334 challenge.</summary>
    private static async Task<SmtpReply?> LoginAsync(SmtpClientConnection c, AuthCredentials credentials, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await c.SendAsync("AUTH LOGIN\r\n", timeout, cancellationToken).ConfigureAwait(false);
        var reply = await c.ReadReplyAsync(timeout, cancellationToken).ConfigureAwait(false);
        foreach (var secret in new[] { credentials.User, credentials.Password })
        {
            if (reply is not { Code: 334 }) return reply;
            var token = Base64(secret);
            await c.SendSecretAsync(token + "\r\n", new string('*', token.Length), timeout, cancellationToken).ConfigureAwait(false);
            reply = await c.ReadReplyAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        return reply;
    }

    private static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
