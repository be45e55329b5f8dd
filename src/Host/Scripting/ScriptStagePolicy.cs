using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Scripting;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp.Policy;

namespace Exim.Host.Scripting;

/// <summary>A stage script (helo, mail, rcpt, predata, data) with its <see cref="StageContext"/> globals.</summary>
internal sealed class ScriptStagePolicy(CompiledScript<Verdict> script, StagePolicy.Setup setup) : StagePolicy
{
    private readonly ScriptLog _log = new(setup.Logger, script.Source.DisplayPath);

    public override async ValueTask<Verdict> DecideAsync(PolicySession session)
    {
        var outcome = await script.InvokeAsync((Policy: this, Session: session),
            static (s, budget) => new PolicyStageContext(s.Session, s.Policy.Main, s.Policy._log, new ScriptDns(s.Policy.Dns, s.Policy.Lookups, budget), budget),
            setup.Timeout).ConfigureAwait(false);
        var stage = session.Stage;
        switch (outcome.Status)
        {
            case HookStatus.Completed:
                return outcome.Value ?? Verdict.Accept;
            case HookStatus.TimedOut:
                ScriptTimedOut(setup.Logger, StageName(stage), script.Source.DisplayPath, setup.Timeout.TotalMilliseconds, session.Connection.ClientIp, Deferred(stage));
                return Verdict.Defer();
            default:
                ScriptFailed(setup.Logger, StageName(stage), script.Source.DisplayPath, session.Connection.ClientIp,
                    ScriptErrors.Describe(outcome.Error!, script.Source), Deferred(stage));
                return Verdict.Defer();
        }
    }

    private IMainOptionsView Main => setup.Main;

    private IDnsRecordResolver? Dns => setup.Dns;

    private DnsLookupSettings Lookups => setup.Lookups;
}
