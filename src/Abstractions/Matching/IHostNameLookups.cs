using System.Net;
using Exim.Abstractions.Resolution;

namespace Exim.Abstractions.Matching;

/// <summary>
/// The name lookups an <see cref="IHostList"/> needs for its host-name items, for one client (one SMTP connection) or
/// for outgoing hosts. Implementations go through the resolver plugins and the shared host cache, and look the
/// client's name up at most once.
/// </summary>
public interface IHostNameLookups
{
    /// <summary>The client's host names: a reverse lookup with forward confirmation, main name first, then aliases.</summary>
    /// <param name="client">The client address.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<HostNames> ReverseAsync(IPAddress client, CancellationToken cancellationToken);

    /// <summary>The addresses of a host name.</summary>
    /// <param name="name">The host name.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<AddressLookup> ForwardAsync(string name, CancellationToken cancellationToken);
}
