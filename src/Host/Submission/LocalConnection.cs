using System.Net;
using Exim.Abstractions.Policy;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Slots;
using Exim.Mail.Smtp;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Smtp.Transport;
using Exim.Mail.Submission;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Host.Submission;

/// <summary>
/// The connection context of a local submission, as its policies see it: <c>exim -bs</c>'s session on its socket, or a
/// message submitted without SMTP, which has no connection at all (<see cref="NoTransport"/>). <c>Connection.LocalUser</c>
/// names the caller and the client's address is taken to be 127.0.0.1. No slot is taken and no connection limit applies,
/// as in Exim.
/// </summary>
internal static class LocalConnection
{
    public static ConnectionContext For(Generation generation, LocalCaller caller, ISmtpTransport transport, ILogger logger, CancellationToken stop)
    {
        var settings = new SmtpSettings(generation.Config.Main, EximVersion.Number) { LocalSmtp = true };
        var loopback = new IPEndPoint(IPAddress.Loopback, 0);
        var slots = new SlotTable(new ChildExitReporter(NullLogger<ChildExitReporter>.Instance), TimeProvider.System);
        return new ConnectionContext(transport, loopback, loopback, settings, slots, generation.SystemLoad(new ProcLoadAverage()), null, logger, stop)
        {
            LocalUser = caller,
        };
    }

    /// <summary>The not_smtp stage (Exim's acl_not_smtp) for one caller's message, or null when nothing decides there.</summary>
    public static Func<LocalCaller, PolicySession>? NotSmtp(Generation generation, PolicyServices? policies, ILogger logger, CancellationToken stop)
        => policies is not null && policies.Policies.Handles(SmtpStage.NotSmtp)
            ? caller => new PolicySession(For(generation, caller, NoTransport.Instance, logger, stop), policies)
            : null;
}
