using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Resolution;

namespace Exim.Plugins.GetHostByNameResolver;

/// <summary>
/// Exim's host_find_byname through getaddrinfo, so /etc/hosts and nsswitch apply. IP literals are answered
/// without a lookup. Resolver errors map to Exim's outcomes: HOST_NOT_FOUND/NO_DATA are "not found",
/// TRY_AGAIN is "again", NO_RECOVERY is "fail"; nothing throws.
/// </summary>
internal sealed class SystemAddressResolver : IAddressResolver
{
    public async ValueTask<AddressLookup> ResolveAsync(string name, AddressFamily family, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(name, out var literal))
        {
            return new AddressLookup(AddressLookupStatus.Found, null, [literal]);
        }
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(name, family, cancellationToken).ConfigureAwait(false);
            var distinct = addresses.Distinct().ToImmutableArray();
            return distinct.IsEmpty
                ? new AddressLookup(AddressLookupStatus.NotFound, null, [])
                : new AddressLookup(AddressLookupStatus.Found, null, distinct);
        }
        catch (SocketException e)
        {
            var status = e.SocketErrorCode switch
            {
                SocketError.HostNotFound or SocketError.NoData => AddressLookupStatus.NotFound,
                SocketError.TryAgain => AddressLookupStatus.Again,
                SocketError.NoRecovery => AddressLookupStatus.Fail,
                _ => AddressLookupStatus.Again,
            };
            return new AddressLookup(status, null, []);
        }
        catch (ArgumentException)
        {
            // Not a valid host name (e.g. too long): Exim treats a syntax failure as "not found".
            return new AddressLookup(AddressLookupStatus.NotFound, null, []);
        }
    }
}
