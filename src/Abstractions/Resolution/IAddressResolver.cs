using System.Net.Sockets;

namespace Exim.Abstractions.Resolution;

/// <summary>
/// Resolves a host name to addresses through the system resolver, so that /etc/hosts and nsswitch apply
/// (registered under the key <see cref="Plugins.StrategyKeys.ByName"/>; Exim's <c>host_find_byname</c>).
/// </summary>
public interface IAddressResolver
{
    /// <summary>Looks up the addresses of <paramref name="name"/>.</summary>
    /// <param name="name">The host name.</param>
    /// <param name="family">The address family wanted, or <see cref="AddressFamily.Unspecified"/> for both.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<AddressLookup> ResolveAsync(string name, AddressFamily family, CancellationToken cancellationToken);
}
