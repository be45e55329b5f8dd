using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;

namespace Exim.Abstractions.Scripting;

/// <summary>What an accept hook (<c>[hooks] accept</c>) sees. It returns a <see cref="Verdict"/>.</summary>
public sealed class AcceptGlobals : ScriptGlobals
{
    /// <summary>Creates the globals for one invocation.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="counts">The daemon's connection counts.</param>
    /// <param name="dns">DNS lookups.</param>
    /// <param name="main">The main options.</param>
    /// <param name="hostLists">The host's host-list matching.</param>
    /// <param name="log">The script's log.</param>
    /// <param name="cancellation">The time budget.</param>
    public AcceptGlobals(AcceptConnection connection, ConnectionCounts counts, IScriptDns dns, IMainOptionsView main, IHostListFactory hostLists, IScriptLog log,
        CancellationToken cancellation)
        : base(main, hostLists, log, cancellation)
        => (Connection, Counts, Dns) = (connection, counts, dns);

    /// <summary>The connection being decided.</summary>
    public AcceptConnection Connection { get; }

    /// <summary>Active connections, in total and from this client.</summary>
    public ConnectionCounts Counts { get; }

    /// <summary>A and TXT lookups through the resolver plugins.</summary>
    public IScriptDns Dns { get; }
}
