using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// The name lookups of one SMTP connection (or of outgoing hosts, with no reverse lookup): the client's reverse lookup
/// with forward confirmation runs at most once and is shared by host_lookup and every host list that needs the name,
/// as Exim keeps sender_host_name for the connection; a lookup that was cancelled or threw is tried again next time.
/// </summary>
internal sealed class ConnectionHostNames(
    Func<IPAddress, CancellationToken, Task<ReverseLookupResult>>? reverse,
    Func<string, CancellationToken, Task<AddressLookup>>? forward) : IHostNameLookups
{
    private readonly Lock _lock = new();
    private Task<ReverseLookupResult>? _reverse;

    /// <summary>Forward lookups through the DNS plugin (and the cache, when <paramref name="dns"/> is a caching one); no reverse lookups.</summary>
    public static ConnectionHostNames ForOutgoing(IDnsRecordResolver dns, DnsLookupSettings settings)
        => new(null, (name, ct) => ForwardLookup.LookupAsync(dns, name, settings, ct, qualifySingle: true));

    /// <summary>The client's reverse lookup, run once.</summary>
    public Task<ReverseLookupResult> LookupClientAsync(IPAddress client, CancellationToken cancellationToken)
    {
        if (reverse is null) return Task.FromResult(new ReverseLookupResult(HostFindStatus.Failed, null, [], null));
        lock (_lock)
        {
            if (_reverse is null || _reverse.IsFaulted || _reverse.IsCanceled) _reverse = reverse(client, cancellationToken);
            return _reverse;
        }
    }

    public async ValueTask<HostNames> ReverseAsync(IPAddress client, CancellationToken cancellationToken)
    {
        if (reverse is null) return HostNames.None;
        var result = await LookupClientAsync(client, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        return result.Status switch
        {
            HostFindStatus.Found => new HostNames(AddressLookupStatus.Found, [result.Name!, .. result.Aliases]),
            HostFindStatus.Again => new HostNames(AddressLookupStatus.Again, [], result.Failure),
            _ => new HostNames(AddressLookupStatus.NotFound, ImmutableArray<string>.Empty, result.Failure),
        };
    }

    public async ValueTask<AddressLookup> ForwardAsync(string name, CancellationToken cancellationToken)
        => forward is null ? new AddressLookup(AddressLookupStatus.NotFound, null, []) : await forward(name, cancellationToken).ConfigureAwait(false);
}
