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
/// LF line ends accepted, no synchronization checks, no TLS, relaying allowed (Exim's <c>hosts = :</c>). The connection
/// limits and the reverse lookup are not run; the stage policies are, as Exim runs its connect and SMTP ACLs for
/// <c>-bs</c>: the connect stage before the banner, then HELO, MAIL, RCPT, predata and data, each seeing the caller in
/// <c>Connection.LocalUser</c>. The client's address, which policies and host lists see, is taken to be 127.0.0.1.
/// </summary>
internal static class LocalSmtpSession
{
    /// <param name="policies">The generation's stage policies (<see cref="Lifetime.SessionServices.Policies"/>), or null when nothing decides.</param>
    public static async Task RunAsync(Generation generation, LocalCaller caller, Socket socket, FileSpool spool, Func<MessageRef, string?>? deliverNow,
        Exim.Mail.Smtp.Policy.PolicyServices? policies, ILogger logger, CancellationToken stop)
    {
        var transport = new SocketTransport(socket);
        var connection = LocalConnection.For(generation, caller, transport, logger, stop);
        if (policies is not null) connection.Policy = new Exim.Mail.Smtp.Policy.PolicySession(connection, policies);
        await ConnectPolicyStep.Instance.InvokeAsync(connection, async _ =>
        {
            using var session = SmtpSession.Create(connection, spool, TimeProvider.System, deliverNow);
            return await session.RunAsync().ConfigureAwait(false);
        }).ConfigureAwait(false);
        transport.Shutdown();
    }
}
