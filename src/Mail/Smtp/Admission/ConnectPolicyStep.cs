using Exim.Abstractions.Daemon;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Admission;

/// <summary>
/// The connect-stage policy (the accept hook), in the place of Exim's connect ACL, with its log lines: Defer answers 421,
/// Reject 554, and both close the connection as Exim does; Drop closes it without a reply.
/// </summary>
internal sealed class ConnectPolicyStep(IConnectionPolicy policy) : IAdmissionStep
{
    public async Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
    {
        var c = (ConnectionContext)connection;
        var verdict = await policy.DecideAsync(c.Description, c.Counts, c.ShutdownToken).ConfigureAwait(false);
        switch (verdict.Kind)
        {
            case VerdictKind.Defer:
                var deferText = verdict.Message ?? "Temporary local problem - please try later";
                SmtpLog.ConnectDeferred(c.Logger, c.Host, deferText);
                await c.RefuseAsync($"421 {deferText}").ConfigureAwait(false);
                return new SessionResult(SessionOutcome.Dropped, 0);
            case VerdictKind.Reject:
                var rejectText = verdict.Message ?? "Administrative prohibition";
                SmtpLog.ConnectRejected(c.Logger, c.Host, rejectText);
                await c.RefuseAsync($"554 {rejectText}").ConfigureAwait(false);
                return new SessionResult(SessionOutcome.Dropped, 0);
            case VerdictKind.Drop:
                SmtpLog.ConnectDropped(c.Logger, c.Host);
                c.Transport.Shutdown();
                return new SessionResult(SessionOutcome.Dropped, 0);
            default:
                c.Queue = verdict.Queue;
                if (verdict.QueueOnly) c.QueueOnly ??= $"accept hook: queue only ('{verdict.Queue}' queue)";
                return await next(connection).ConfigureAwait(false);
        }
    }
}
