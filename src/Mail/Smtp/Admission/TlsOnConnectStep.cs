using Exim.Abstractions.Daemon;
using Exim.Mail.Smtp.Tls;

namespace Exim.Mail.Smtp.Admission;

/// <summary>
/// tls_on_connect_ports (implicit TLS, e.g. 465): the handshake comes before the greeting and before the connect
/// policies, as in Exim's smtp_start_session; a failed handshake ends the connection.
/// </summary>
internal sealed class TlsOnConnectStep : IAdmissionStep
{
    public static TlsOnConnectStep Instance { get; } = new();

    public async Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        var c = (ConnectionContext)connection;
        if (c.Settings.Tls is { } credentials && c.Settings.TlsOnConnectPorts.Contains(c.Local.Port)
            && await TlsHandshake.StartAsync(c, credentials, c.Host).ConfigureAwait(false) is null)
        {
            return new SessionResult(SessionOutcome.Dropped, 0);
        }
        return await next(connection).ConfigureAwait(false);
    }
}
