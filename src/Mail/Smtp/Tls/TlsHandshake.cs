using System.ComponentModel;
using System.Net.Security;
using System.Security.Authentication;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Transport;
using Exim.Mail.Tls;

namespace Exim.Mail.Smtp.Tls;

/// <summary>
/// The server's TLS handshake, for STARTTLS and for TLS-on-connect ports alike (Exim's tls_server_start): the client
/// certificate is required for tls_verify_hosts and asked for from tls_try_verify_hosts; the handshake must end within
/// smtp_receive_timeout, as Exim's alarm bounds SSL_accept. On success the connection's transport becomes the TLS one
/// and its description carries what was negotiated (so hooks, the log and the Received header see it); on failure
/// Exim's <c>TLS error on connection from ...</c> is logged and the plain transport is left as it was.
/// </summary>
internal static class TlsHandshake
{
    public static async Task<TlsSessionInfo?> StartAsync(ConnectionContext connection, TlsServerCredentials credentials, string host)
    {
        ClientCertificateCheck? check = null;
        if (await connection.MatchAsync(connection.Settings.TlsVerifyHosts).ConfigureAwait(false) == HostListMatch.Match) check = credentials.ClientCheck(required: true);
        else if (await connection.MatchAsync(connection.Settings.TlsTryVerifyHosts).ConfigureAwait(false) == HostListMatch.Match) check = credentials.ClientCheck(required: false);

        var plain = connection.Transport;
        var ssl = new SslStream(new TransportStream(plain), leaveInnerStreamOpen: true);
        var timeout = connection.Settings.Main.SmtpReceiveTimeout;
        using var deadline = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : Timeout.InfiniteTimeSpan, connection.Time);
        using var shutdown = connection.ShutdownToken.UnsafeRegister(static d => ((CancellationTokenSource)d!).Cancel(), deadline);
        try
        {
            await ssl.AuthenticateAsServerAsync(
                static (_, hello, state, _) =>
                {
                    var (credentials, check) = ((TlsServerCredentials, ClientCertificateCheck?))state!;
                    return ValueTask.FromResult(credentials.Options(hello.ServerName, check));
                },
                (credentials, check), deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException or Win32Exception or ObjectDisposedException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            TlsLog.HandshakeFailed(connection.Logger, host, Reason(e, check, deadline.IsCancellationRequested && !connection.ShutdownToken.IsCancellationRequested));
            return null;
        }

        var info = TlsSessions.Describe(ssl) with
        {
            Sni = string.IsNullOrEmpty(ssl.TargetHostName) ? null : ssl.TargetHostName,
            PeerSubject = DistinguishedNames.OneLine(ssl.RemoteCertificate),
            PeerVerified = check?.Verified == true,
        };
        connection.Transport = new TlsTransport(ssl, plain);
        connection.Describe(connection.Description with { TlsSession = info });
        TlsLog.Active(connection.Logger, host, info.ToString(), info.Sni ?? "");
        return info;
    }

    /// <summary>Exim's errstr for a failed SSL_accept: <c>(SSL_accept): reason</c>, or its words for a peer that hung up.</summary>
    private static string Reason(Exception e, ClientCertificateCheck? check, bool timedOut)
    {
        if (timedOut) return "(SSL_accept): timed out";
        if (e is OperationCanceledException) return "(SSL_accept): daemon shutting down";
        if (check?.Failure is { } refused) return "(SSL_accept): " + refused;
        var inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        if (inner is IOException && inner.Message.Contains("EOF", StringComparison.Ordinal)) return "SSL_accept: TCP connection closed by peer";
        return "(SSL_accept): " + inner.Message;
    }
}
