using System.Net.Security;
using Exim.Abstractions.Config;
using Exim.Mail.Delivery;
using Exim.Mail.Resolution;
using Exim.Mail.Tls;
using Exim.Mail.Tls.Dane;
using Exim.Mail.Transports.Smtp.Auth;
using Exim.Mail.Transports.Smtp.Tls;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// A new connection made ready for MAIL, as Exim's smtp_setup_conn does it: the banner; EHLO (HELO after a 5xx);
/// STARTTLS when offered and the host is not in <c>hosts_avoid_tls</c>, the handshake, and EHLO again; the
/// <c>hosts_require_tls</c> check; then AUTH for hosts in <c>hosts_require_auth</c>/<c>hosts_try_auth</c>, only
/// over TLS. Null when the session is ready; otherwise the host's failure in Exim's words and error numbers.
/// With DANE (<paramref name="dane"/> Verify or EncryptOnly) TLS is mandatory as with hosts_require_tls and nothing is
/// retried in clear (Exim turns tls_tempfail_tryclear off); Verify sends the host name as SNI and accepts the server's
/// certificate only when a TLSA record matches it (<c>CV=dane</c>); EncryptOnly accepts any certificate.
/// </summary>
internal sealed class SmtpConnectionSetup(string primaryHostname, ILogger logger, TimeProvider time, DeliveryJob job, string retryKey, DaneDecision dane)
{
    private TransportConfig T => job.Transport;
    private TransportTls Tls => TransportTls.For(job.Transport);

    /// <summary>DANE makes TLS mandatory for this host.</summary>
    private bool DaneTls => dane.Mode is DaneMode.Verify or DaneMode.EncryptOnly;

    /// <summary>tls_tempfail_tryclear, which DANE turns off (check_force_dane_conn).</summary>
    private bool TempfailTryclear => T.TlsTempfailTryclear && !DaneTls;

    /// <summary>
    /// Whether a failure is a failed TLS session after which Exim opens a new connection and delivers in clear
    /// (tls_tempfail_tryclear, the host not in hosts_require_tls, no DANE).
    /// </summary>
    public bool TryClearAfter(HostFailure failure, HostItem host) => failure.Errno == Errno.TlsFailure && TempfailTryclear && !Tls.RequireTls(host);

    public async Task<HostFailure?> RunAsync(SmtpClientConnection c, bool suppressTls, CancellationToken cancellationToken)
    {
        var host = c.Host;
        var banner = await c.ReadReplyAsync(T.CommandTimeout, cancellationToken).ConfigureAwait(false);
        if (banner is null) return Lost(c);
        if (!banner.IsPositive) return new HostFailure(host, retryKey, 0, $"SMTP error from remote mail server after initial connection: {banner.Text}", banner.IsTemporary ? "connect_4xx" : "connect_5xx");
        if (await EhloAsync(c, heloAllowed: true, cancellationToken).ConfigureAwait(false) is { } ehloFailure) return ehloFailure;

        if (c.TlsOffered && !suppressTls && Tls.TryTls(host))
        {
            await c.SendAsync("STARTTLS\r\n", T.CommandTimeout, cancellationToken).ConfigureAwait(false);
            var reply = await c.ReadReplyAsync(T.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (reply is null) return Lost(c);
            if (reply.IsPositive)
            {
                if (await HandshakeAsync(c, cancellationToken).ConfigureAwait(false) is { } tlsFailure) return tlsFailure;
                if (await EhloAsync(c, heloAllowed: false, cancellationToken).ConfigureAwait(false) is { } secureFailure) return secureFailure;
            }
            else if (reply.IsTemporary && !TempfailTryclear)
            {
                return new HostFailure(host, retryKey, 0, $"SMTP error from remote mail server after STARTTLS: {reply.Text}", "*");
            }
            // A 5xx, or a 4xx with tls_tempfail_tryclear: on in clear, unless the host requires TLS (below).
        }
        if (c.Tls is null && (DaneTls || Tls.RequireTls(host)))
        {
            var why = c.TlsOffered ? "an attempt to start TLS failed" : "the server did not offer TLS support";
            return new HostFailure(host, retryKey, Errno.TlsRequired, $"a TLS session is required, but {why}", "tls_required");
        }
        return await AuthenticateAsync(c, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>EHLO and its keywords; after a 5xx, HELO when <paramref name="heloAllowed"/> (not after STARTTLS).</summary>
    private async Task<HostFailure?> EhloAsync(SmtpClientConnection c, bool heloAllowed, CancellationToken cancellationToken)
    {
        await c.SendAsync($"EHLO {primaryHostname}\r\n", T.CommandTimeout, cancellationToken).ConfigureAwait(false);
        var ehlo = await c.ReadReplyAsync(T.CommandTimeout, cancellationToken).ConfigureAwait(false);
        c.Pipelining = c.SizeOffered = false;
        c.AuthMechanisms = [];
        if (ehlo is { Code: >= 500 } && heloAllowed)
        {
            await c.SendAsync($"HELO {primaryHostname}\r\n", T.CommandTimeout, cancellationToken).ConfigureAwait(false);
            ehlo = await c.ReadReplyAsync(T.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (ehlo is { IsPositive: true }) return null;
        }
        if (ehlo is null) return Lost(c);
        if (!ehlo.IsPositive) return new HostFailure(c.Host, retryKey, 0, $"SMTP error from remote mail server after {c.LastCommand}: {ehlo.Text}", "ehlo_4xx");
        var secure = c.Tls is not null;
        foreach (var line in ehlo.Lines.Skip(1))
        {
            var words = line.ToUpperInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) continue;
            switch (words[0])
            {
                case "PIPELINING": c.Pipelining = true; break;
                case "SIZE": c.SizeOffered = true; break;
                case "STARTTLS" when !secure: c.TlsOffered = true; break;
                case "AUTH": c.AuthMechanisms = words[1..]; break;
            }
        }
        return null;
    }

    /// <summary>
    /// The TLS handshake after 220 to STARTTLS. Its failure (ERRNO_TLSFAILURE) is not logged with the host as other
    /// failures are: Exim writes either the "delivering unencrypted" line or only the deferral.
    /// </summary>
    private async Task<HostFailure?> HandshakeAsync(SmtpClientConnection c, CancellationToken cancellationToken)
    {
        var host = c.Host;
        ServerCertificateVerifier? verifier = null;
        DaneMatch? daneMatch = null;
        string? subject = null;
        string error;
        // Anything the server sent after its 220 and before the handshake could be an injected reply (smtp.c's check).
        if (c.HasUnreadInput) return TlsFailure(host, "synch error before connect");
        try
        {
            SslClientAuthenticationOptions options;
            if (dane.Mode == DaneMode.Verify)
            {
                // The TLSA records take the place of PKIX: SNI is the host's name, and a match is all that is asked.
                options = Tls.HandshakeOptions((_, certificate, chain, _) =>
                {
                    subject = DistinguishedNames.OneLine(certificate);
                    daneMatch = dane.Check(certificate, chain, time.GetUtcNow().UtcDateTime);
                    return daneMatch.Value.Status == DaneMatchStatus.Matched;
                }, host.Name.TrimEnd('.'));
            }
            else
            {
                // DANE with no usable record: encrypted, but not authenticated (CV=no).
                var policy = dane.Mode == DaneMode.EncryptOnly ? new ServerCertificatePolicy(CertificateCheck.None, null, null) : Tls.PolicyFor(host);
                verifier = new ServerCertificateVerifier(policy, time);
                options = Tls.HandshakeOptions(verifier.Callback);
            }
            await c.StartTlsAsync(options, T.CommandTimeout, cancellationToken).ConfigureAwait(false);
            if (verifier is not null) c.SetPeerVerified(verifier.Verified, verifier.PeerSubject);
            else c.SetPeerVerified(verified: true, subject, dane: true);
            return null;
        }
        catch (TlsSetupException e)
        {
            error = e.Message;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure of the handshake (AuthenticationException, IOException, or an exception from our own
            // certificate callback) leaves the session unusable: a TLS failure of this host, never a crashed transport.
            var refused = verifier is { Rejected: true } || daneMatch is { Status: not DaneMatchStatus.Matched };
            error = "(SSL_connect): " + (refused ? "certificate verify failed" : Innermost(e).Message.TrimEnd('.'));
        }
        finally
        {
            foreach (var line in verifier?.Errors ?? []) TransportLog.VerifyError(logger, job.Message.Id, host.Address!.ToString(), line);
        }
        if (DaneTls) TransportLog.DaneAttemptFailed(logger, job.Message.Id, host.Name, host.Address!.ToString(), error);
        return TlsFailure(host, error);
    }

    private HostFailure TlsFailure(HostItem host, string error) => new(host, retryKey, Errno.TlsFailure, $"TLS session: {error}", "*", WriteLog: false);

    /// <summary>
    /// AUTH for hosts in hosts_require_auth or hosts_try_auth that advertise it, only over TLS whose server certificate
    /// was verified (<c>CV=yes</c>) or matched by DANE (<c>CV=dane</c>). Ours: Exim sends the credentials in clear, and to
    /// any certificate, so an active man in the middle would get the password. With hosts_require_auth, not
    /// authenticating defers the host (ERRNO_AUTHFAIL); with hosts_try_auth the message goes unauthenticated.
    /// </summary>
    private async Task<HostFailure?> AuthenticateAsync(SmtpClientConnection c, CancellationToken cancellationToken)
    {
        var host = c.Host;
        var require = Tls.RequireAuth(host);
        var reason = "server did not advertise AUTH support";
        if (c.AuthMechanisms.Count > 0 && (require || Tls.TryAuth(host)))
        {
            AuthCredentials? credentials;
            try
            {
                credentials = AuthCredentials.For(T, host);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new HostFailure(host, retryKey, Errno.AuthProblem, $"auth_credentials_file: {e.Message}", "*", Connected: false);
            }
            if (c.Tls is null) reason = "the connection is not encrypted";
            else if (!c.Tls.PeerVerified && !c.Tls.Dane) reason = "the server certificate was not verified";
            else if (credentials is null) reason = "no common mechanisms were found";
            else
            {
                var result = await SmtpClientAuthenticator.AuthenticateAsync(c, credentials, T.CommandTimeout,
                    (name, reply) => TransportLog.AuthenticatorFailed(logger, job.Message.Id, name, host.Name, host.Address!.ToString(), reply.Text),
                    cancellationToken).ConfigureAwait(false);
                if (result.Lost) return Lost(c);
                if (result.Reply is { } temporary) return new HostFailure(host, retryKey, 0, $"SMTP error from remote mail server after {result.Command}: {temporary.Text}", "*");
                c.Authenticator = result.Authenticator;
                reason = result.FailReason;
            }
        }
        if (require && c.Authenticator is null)
        {
            return new HostFailure(host, retryKey, Errno.AuthFailed, $"authentication required but {reason}", "auth_failed", Connected: false, WriteLog: false);
        }
        return null;
    }

    private HostFailure Lost(SmtpClientConnection c)
        => new(c.Host, retryKey, Errno.SmtpClosed, $"Remote host closed connection in response to {c.LastCommand}", "lost_connection");

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }
}
