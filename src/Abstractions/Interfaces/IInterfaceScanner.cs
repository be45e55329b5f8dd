using System.Collections.Immutable;

namespace Exim.Abstractions.Interfaces;

/// <summary>
/// Lists the addresses of this host's network interfaces (registered under the key <see cref="Plugins.StrategyKeys.Interfaces"/>).
/// The core asks at start-up and on every reload; the answer is what "this host" means.
/// </summary>
public interface IInterfaceScanner
{
    /// <summary>Every address of every interface that is up, loopback included.</summary>
    /// <param name="cancellationToken">Cancels the scan.</param>
    ValueTask<ImmutableArray<LocalAddress>> ScanAsync(CancellationToken cancellationToken);
}
