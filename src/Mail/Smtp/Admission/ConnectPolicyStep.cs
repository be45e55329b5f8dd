using Exim.Abstractions.Diagnostics;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Policy;

namespace Exim.Mail.Smtp.Admission;

/// <summary>
/// The connect stage (the accept hook and plugins' connect policies, in <c>[hooks] order</c>), in the place of Exim's
/// connect ACL, with its log lines: Defer answers 421, Reject 554, and both close the connection as Exim does; Drop
/// closes it without a reply (DropWith: after its reply). An accepting verdict's queue applies to the connection's messages.
/// </summary>
internal sealed class ConnectPolicyStep : IAdmissionStep
{
    public static ConnectPolicyStep Instance { get; } = new();

    public async Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        var c = (ConnectionContext)connection;
        if (c.Policy is not { } policy || !policy.Handles(SmtpStage.Connect)) return await next(connection).ConfigureAwait(false);
        var verdict = await policy.DecideAsync(SmtpStage.Connect).ConfigureAwait(false);
        if (verdict.Kind is VerdictKind.Defer or VerdictKind.Reject or VerdictKind.Drop) EximMetrics.ConnectionRefused(RefusalReason.Hook);
        switch (verdict.Kind)
        {
            case VerdictKind.Defer:
                var deferText = verdict.Message ?? "Temporary local problem - please try later";
                SmtpLog.ConnectDeferred(c.Logger, c.Host, verdict.LogText ?? deferText);
                await c.RefuseAsync(StageReplies.Format(verdict.Code ?? 421, verdict.Status, deferText)).ConfigureAwait(false);
                return new SessionResult(SessionOutcome.Dropped, 0);
            case VerdictKind.Reject:
            case VerdictKind.Drop when verdict.Message is not null || verdict.Code is not null:
                var rejectText = verdict.Message ?? "Administrative prohibition";
                SmtpLog.ConnectRejected(c.Logger, c.Host, verdict.LogText ?? rejectText);
                await c.RefuseAsync(StageReplies.Format(verdict.Code ?? 554, verdict.Status, rejectText)).ConfigureAwait(false);
                return new SessionResult(SessionOutcome.Dropped, 0);
            case VerdictKind.Drop:
                SmtpLog.ConnectDropped(c.Logger, c.Host);
                c.Transport.Shutdown();
                return new SessionResult(SessionOutcome.Dropped, 0);
            default:
                if (policy.ForConnection.QueueOnly) c.QueueOnly ??= $"accept hook: queue only ('{policy.ForConnection.Queue}' queue)";
                return await next(connection).ConfigureAwait(false);
        }
    }
}
