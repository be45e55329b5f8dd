using System.Collections.Frozen;
using System.Runtime.Loader;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Host.Scripting;

/// <summary>
/// One generation's hook scripts (each may be absent) and their time budget: the accept and child-exit hooks, and the
/// SMTP stage scripts (a file named for several stages is one compiled script).
/// </summary>
internal sealed class HookSet(CompiledScript<Verdict>? accept, CompiledScript<object>? childExit, TimeSpan timeout,
    FrozenDictionary<SmtpStage, CompiledScript<Verdict>>? stages = null)
{
    public static HookSet Empty { get; } = new(null, null, TimeSpan.FromMilliseconds(100));

    public CompiledScript<Verdict>? Accept { get; } = accept;

    public CompiledScript<object>? ChildExit { get; } = childExit;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The stage scripts (Helo to Data) by stage.</summary>
    public FrozenDictionary<SmtpStage, CompiledScript<Verdict>> Stages { get; } = stages ?? FrozenDictionary<SmtpStage, CompiledScript<Verdict>>.Empty;

    /// <summary>The paths of the scripts, as messages show them, once each.</summary>
    public IEnumerable<string> Paths()
    {
        if (Accept is not null) yield return Accept.Source.DisplayPath;
        if (ChildExit is not null) yield return ChildExit.Source.DisplayPath;
        foreach (var path in Stages.Values.Distinct().Select(s => s.Source.DisplayPath).Where(p => p != Accept?.Source.DisplayPath)) yield return path;
    }

    /// <summary>Unloads the scripts' contexts (once the generation has drained).</summary>
    public IEnumerable<WeakReference<AssemblyLoadContext>> Unload()
    {
        if (Accept?.Unload() is { } a) yield return a;
        if (ChildExit?.Unload() is { } c) yield return c;
        foreach (var script in Stages.Values.Distinct())
        {
            if (script.Unload() is { } s) yield return s;
        }
    }
}
