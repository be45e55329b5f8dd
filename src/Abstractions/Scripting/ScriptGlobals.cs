using System.ComponentModel;
using Exim.Abstractions.Config;

namespace Exim.Abstractions.Scripting;

/// <summary>What every hook script sees, whatever its kind.</summary>
public abstract class ScriptGlobals
{
    /// <summary>Creates the globals.</summary>
    /// <param name="config">The configuration of the generation the script belongs to.</param>
    /// <param name="log">The script's log.</param>
    /// <param name="cancellation">Cancelled when the invocation's time budget runs out.</param>
    protected ScriptGlobals(EximConfig config, IScriptLog log, CancellationToken cancellation)
        => (Config, Log, Cancellation) = (config, log, cancellation);

    /// <summary>The configuration (read-only).</summary>
    public EximConfig Config { get; }

    /// <summary>Writes to the main log.</summary>
    public IScriptLog Log { get; }

    /// <summary>Cancelled when the invocation's time budget (<c>[hooks] timeout</c>) runs out.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>
    /// The time-budget check the compiler inserts at the top of every loop body, local function and lambda of a
    /// script; not for calling by hand.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1707", Justification = "A name no script author would choose, so it cannot be shadowed by accident.")]
    public void __Budget() => Cancellation.ThrowIfCancellationRequested();
}
