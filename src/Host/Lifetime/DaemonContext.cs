using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Plugins;
using Exim.Host.Plugins;

namespace Exim.Host.Lifetime;

/// <summary>What the core lends one generation's daemon loop; configuration, number and addresses come from the generation.</summary>
internal sealed record DaemonContext(
    Generations.Generation Owner,
    ImmutableArray<IListener> Listeners,
    ISlotTable Slots,
    ISmtpSessionHandler Sessions,
    ISystemLoad Load,
    CancellationToken ShutdownToken) : IDaemonContext
{
    public IMainOptionsView Main { get; } = new MainOptionsView(Owner.Config);

    public long Generation => Owner.Number;

    public ImmutableArray<IPAddress> LocalAddresses => Owner.LocalAddresses;

    public IDisposable? HoldGeneration() => Owner.TryLease();
}
