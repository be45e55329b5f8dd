using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Plugins;

namespace Exim.Abstractions.Daemon;

/// <summary>What the core lends a daemon loop for one generation.</summary>
public interface IDaemonContext
{
    /// <summary>The main options of the loop's generation (e.g. <c>smtp_active_hostname</c> for the 421 of a refused connection).</summary>
    IMainOptionsView Main { get; }

    /// <summary>The generation number (1 for the first configuration loaded by this process).</summary>
    long Generation { get; }

    /// <summary>The listening sockets, owned by the core.</summary>
    ImmutableArray<IListener> Listeners { get; }

    /// <summary>The session slots, owned by the core; they survive reloads.</summary>
    ISlotTable Slots { get; }

    /// <summary>Runs SMTP sessions.</summary>
    ISmtpSessionHandler Sessions { get; }

    /// <summary>The system load average.</summary>
    ISystemLoad Load { get; }

    /// <summary>This host's addresses: local_interfaces (wildcards expanded from the interface scanner) plus extra_local_interfaces.</summary>
    ImmutableArray<IPAddress> LocalAddresses { get; }

    /// <summary>Cancelled when the daemon stops and the drain time is over; pass it to sessions.</summary>
    CancellationToken ShutdownToken { get; }

    /// <summary>
    /// Keeps this generation (its configuration, plugins and hook scripts) loaded until the handle is disposed, however
    /// many reloads happen meanwhile. Take it the moment a connection is accepted, on the loop's own path (the loop holds
    /// its generation while it runs), and dispose it when the connection has ended, so nothing the connection uses is
    /// unloaded under it. Null only when the generation has already been retired (a loop still accepting after it was
    /// told to stop): refuse that connection with 421.
    /// </summary>
    IDisposable? HoldGeneration();
}
