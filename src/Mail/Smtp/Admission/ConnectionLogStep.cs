using Exim.Mail.Logging;
using Exim.Abstractions.Daemon;

namespace Exim.Mail.Smtp.Admission;

/// <summary>Exim's <c>SMTP connection from [ip] (TCP/IP connection count = n)</c> with log_selector's +smtp_connection, unless the client is in hosts_connection_nolog.</summary>
internal sealed class ConnectionLogStep : IAdmissionStep
{
    public static ConnectionLogStep Instance { get; } = new();

    public Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        var c = (ConnectionContext)connection;
        if (c.Settings.Log.Has(LogSelection.SmtpConnection) && !c.Settings.ConnectionNolog.Matches(c.Remote.Address)) SmtpLog.Connection(c.Logger, c.Who, c.Counts.Total);
        return next(connection);
    }
}
