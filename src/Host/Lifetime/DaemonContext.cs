using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Lifetime;

internal sealed record DaemonContext(
    Generations.Generation Owner,
    EximConfig Config,
    long Generation,
    ImmutableArray<IListener> Listeners,
    ISlotTable Slots,
    ISmtpSessionHandler Sessions,
    ISystemLoad Load,
    ImmutableArray<IPAddress> LocalAddresses,
    CancellationToken ShutdownToken,
    Func<Abstractions.Matching.IHostNameLookups>? HostNameLookups = null) : IDaemonContext
{
    public Abstractions.Matching.IHostNameLookups? CreateHostNameLookups() => HostNameLookups?.Invoke();

    public IDisposable? HoldGeneration() => Owner.TryLease();
}
