using System.ComponentModel;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;

namespace Exim.Abstractions.Scripting;

/// <summary>What every hook script sees, whatever its kind.</summary>
public abstract class ScriptGlobals
{
    /// <summary>Creates the globals.</summary>
    /// <param name="main">The main options of the generation the script belongs to.</param>
    /// <param name="hostLists">The host's host-list matching.</param>
    /// <param name="log">The script's log.</param>
    /// <param name="cancellation">Cancelled when the invocation's time budget runs out.</param>
    protected ScriptGlobals(IMainOptionsView main, IHostListFactory hostLists, IScriptLog log, CancellationToken cancellation)
        => (Main, HostLists, Log, Cancellation) = (main, hostLists, log, cancellation);

    /// <summary>
    /// The main options (read-only), by Exim's option names: <c>Main.PrimaryHostname</c>,
    /// <c>Main.GetList("relay_from_hosts")</c>, <c>Main.GetInt64("smtp_accept_max")</c>.
    /// </summary>
    public IMainOptionsView Main { get; }

    /// <summary>
    /// Compiles Exim host lists: <c>HostLists.Compile(Main.GetList("relay_from_hosts"))</c> or
    /// <c>HostLists.Compile(["192.0.2.0/24", "*.example.com"])</c>. Compile a list once (in a static) and match it on
    /// every invocation (<c>list.Matches(Connection.RemoteAddress)</c>, or <c>await ClientIn(list)</c> at the stages).
    /// </summary>
    public IHostListFactory HostLists { get; }

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
