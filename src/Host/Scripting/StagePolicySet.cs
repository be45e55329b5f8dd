using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Scripting;
using Exim.Host.Generations;
using Exim.Host.Plugins;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp.Policy;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>
/// One generation's stage policies: for each stage, who decides in <c>[hooks] order</c> (<c>"script"</c>: the stage's
/// script, the accept hook at connect; any other name: the plugin policy registered under it, if it handles the stage).
/// The first verdict that is not Accept decides; each accepting verdict before it is handed to the session.
/// </summary>
internal sealed class StagePolicySet : IStagePolicies
{
    private readonly ImmutableArray<StagePolicy>[] _byStage;

    private StagePolicySet(ImmutableArray<StagePolicy>[] byStage) => _byStage = byStage;

    /// <summary>The generation's policies, or null when nothing decides at any stage.</summary>
    public static StagePolicySet? For(Generation generation, IDnsRecordResolver? dns, DnsLookupSettings lookups, ILogger logger)
    {
        var config = generation.Config;
        var hooks = generation.Hooks;
        var main = new MainOptionsView(config);
        var context = new StagePolicy.Setup(main, hooks.Timeout, dns, lookups, logger);
        var byStage = new ImmutableArray<StagePolicy>[Enum.GetValues<SmtpStage>().Length];
        var any = false;
        var plugins = new Dictionary<string, StagePolicy>(StringComparer.Ordinal);
        foreach (var stage in Enum.GetValues<SmtpStage>())
        {
            var entries = ImmutableArray.CreateBuilder<StagePolicy>();
            foreach (var name in config.Hooks.Order)
            {
                if (name == HooksConfig.Scripts)
                {
                    if (stage == SmtpStage.Connect && hooks.Accept is { } accept) entries.Add(new AcceptStagePolicy(new AcceptHook(accept, hooks.Timeout, main, dns, lookups, logger)));
                    else if (hooks.Stages.TryGetValue(stage, out var script)) entries.Add(new ScriptStagePolicy(script, context));
                }
                else if (generation.Strategies.TryGet<IStagePolicy>(name, out var policy) && policy.Handles(stage))
                {
                    if (!plugins.TryGetValue(name, out var entry)) plugins[name] = entry = new PluginStagePolicy(name, policy, context);
                    entries.Add(entry);
                }
            }
            byStage[(int)stage] = entries.ToImmutable();
            any |= entries.Count > 0;
        }
        return any ? new StagePolicySet(byStage) : null;
    }

    public bool Handles(SmtpStage stage) => !_byStage[(int)stage].IsEmpty;

    public async ValueTask<Verdict> DecideAsync(PolicySession session)
    {
        foreach (var policy in _byStage[(int)session.Stage])
        {
            var verdict = await policy.DecideAsync(session).ConfigureAwait(false);
            if (verdict.Kind != VerdictKind.Accept) return verdict;
            if (!ReferenceEquals(verdict, Verdict.Accept)) session.Accepted(verdict);
        }
        return Verdict.Accept;
    }
}
