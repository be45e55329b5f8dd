using System.Runtime.Loader;
using Exim.Abstractions.Scripting;

namespace Exim.Host.Scripting;

/// <summary>One generation's hook scripts (either may be absent) and their time budget.</summary>
internal sealed class HookSet(CompiledScript<Verdict>? accept, CompiledScript<object>? childExit, TimeSpan timeout)
{
    public static HookSet Empty { get; } = new(null, null, TimeSpan.FromMilliseconds(100));

    public CompiledScript<Verdict>? Accept { get; } = accept;

    public CompiledScript<object>? ChildExit { get; } = childExit;

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Unloads the scripts' contexts (once the generation has drained).</summary>
    public IEnumerable<WeakReference<AssemblyLoadContext>> Unload()
    {
        if (Accept?.Unload() is { } a) yield return a;
        if (ChildExit?.Unload() is { } c) yield return c;
    }
}
