using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;

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
    public EximConfig Config => Owner.Config;

    public long Generation => Owner.Number;

    public ImmutableArray<IPAddress> LocalAddresses => Owner.LocalAddresses;

    public IDisposable? HoldGeneration() => Owner.TryLease();
}
