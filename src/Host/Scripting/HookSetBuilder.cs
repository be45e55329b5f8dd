using System.Collections.Frozen;
using Exim.Abstractions.Config;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>
/// Compiles (or loads from the cache) the scripts named in <c>[hooks]</c>, for one generation being built. The stage
/// scripts share one globals type (<see cref="StageContext"/>), so a file named for several stages is compiled and
/// loaded once.
/// </summary>
internal static class HookSetBuilder
{
    private static readonly SmtpStage[] ScriptStages = [SmtpStage.Helo, SmtpStage.Mail, SmtpStage.Rcpt, SmtpStage.Predata, SmtpStage.Data, SmtpStage.NotSmtp];

    public static HookSet Build(EximConfig config, long generation, ILogger logger, List<ConfigDiagnostic> errors)
    {
        var hooks = config.Hooks;
        if (hooks.Accept is null && hooks.ChildExit is null && ScriptStages.All(s => hooks.ScriptFor(s) is null)) return HookSet.Empty;
        var before = errors.Count;
        var cache = new ScriptCache(Path.Combine(config.Main.SpoolDirectory, "db", "scripts"));
        var accept = hooks.Accept is { } a ? ScriptLoader.Load<Verdict>(ScriptKind.Accept, a, config, cache, generation, logger, errors) : null;
        var childExit = hooks.ChildExit is { } c ? ScriptLoader.Load<object>(ScriptKind.ChildExit, c, config, cache, generation, logger, errors) : null;
        var byPath = new Dictionary<string, CompiledScript<Verdict>?>(StringComparer.Ordinal);
        var stages = new Dictionary<SmtpStage, CompiledScript<Verdict>>();
        foreach (var stage in ScriptStages)
        {
            if (hooks.ScriptFor(stage) is not { } path) continue;
            if (!byPath.TryGetValue(path, out var script))
            {
                script = ScriptLoader.Load<Verdict>(ScriptKind.Stage, path, config, cache, generation, logger, errors);
                byPath[path] = script;
            }
            if (script is not null) stages[stage] = script;
        }
        var set = new HookSet(accept, childExit, hooks.Timeout, stages.ToFrozenDictionary());
        if (errors.Count > before)
        {
            foreach (var _ in set.Unload()) { }
            return HookSet.Empty;
        }
        return set;
    }
}
