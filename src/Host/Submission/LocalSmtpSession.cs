using System.Net;
using System.Net.Sockets;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Slots;
using Exim.Mail.Smtp;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Transport;
using Exim.Mail.Spool;
using Exim.Mail.Submission;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Submission;

/// <summary>
/// <c>exim -bs</c>: the daemon's SMTP session code run for a local user on a socket (the submission socket, or a socket
/// pair when no daemon answers), as Exim runs it on stdin and stdout: protocol <c>local-smtp</c>/<c>local-esmtp</c>,
/// LF line ends accepted, no synchronization checks, no TLS, relaying allowed (Exim's <c>hosts = :</c>); the connection
/// stage and its limits, the reverse lookup and the stage hooks are not run. The client's address, which policies and
/// host lists would see, is taken to be 127.0.0.1.
/// </summary>
internal static class LocalSmtpSession
{
    public static async Task RunAsync(Generation generation, LocalCaller caller, Socket socket, FileSpool spool, Func<MessageRef, string?>? deliverNow,
        ILogger logger, CancellationToken stop)
    {
        var main = generation.Config.Main;
        var settings = new SmtpSettings(main, EximVersion.Number) { LocalSmtp = true };
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        var slots = new SlotTable(new ChildExitReporter(Microsoft.Extensions.Logging.Abstractions.NullLogger<ChildExitReporter>.Instance), TimeProvider.System);
        var transport = new SocketTransport(socket);
        var connection = new ConnectionContext(transport, loopback, loopback, settings, slots, generation.SystemLoad(new ProcLoadAverage()), null, logger, stop)
        {
            LocalUser = caller,
        };
        using var session = SmtpSession.Create(connection, spool, TimeProvider.System, deliverNow);
        await session.RunAsync().ConfigureAwait(false);
        transport.Shutdown();
    }
}
