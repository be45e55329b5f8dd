using Exim.Abstractions.Config;
using Exim.Abstractions.Scripting;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Scripting;

/// <summary>Compiles (or loads from the cache) the scripts named in <c>[hooks]</c>, for one generation being built.</summary>
internal static class HookSetBuilder
{
    public static HookSet Build(EximConfig config, long generation, ILogger logger, List<ConfigDiagnostic> errors)
    {
        var hooks = config.Hooks;
        if (hooks.Accept is null && hooks.ChildExit is null) return HookSet.Empty;
        var before = errors.Count;
        var cache = new ScriptCache(Path.Combine(config.Main.SpoolDirectory, "db", "scripts"));
        var accept = hooks.Accept is { } a ? ScriptLoader.Load<Verdict>(ScriptKind.Accept, a, config, cache, generation, logger, errors) : null;
        var childExit = hooks.ChildExit is { } c ? ScriptLoader.Load<object>(ScriptKind.ChildExit, c, config, cache, generation, logger, errors) : null;
        var set = new HookSet(accept, childExit, hooks.Timeout);
        if (errors.Count > before)
        {
            foreach (var _ in set.Unload()) { }
            return HookSet.Empty;
        }
        return set;
    }
}
