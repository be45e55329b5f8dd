using System.Collections.Immutable;
using System.Net;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// The addresses of a host name, from AAAA and A records: for the forward confirmation of a reverse lookup, and for
/// a host named in a host list. For the latter Exim uses host_find_byname (gethostbyname); we ask the DNS plugin,
/// through the shared cache, so the answer is cached, asynchronous, and comes from the configured nameservers rather
/// than the machine's resolver, and one-component names are qualified as Exim asks (HOST_FIND_QUALIFY_SINGLE).
/// NotFound when neither type has records, Again when one failed temporarily and the other found nothing.
/// </summary>
internal static class ForwardLookup
{
    private static readonly DnsRecordType[] Types = [DnsRecordType.Aaaa, DnsRecordType.A];

    /// <param name="dns">The resolver (normally through the host cache).</param>
    /// <param name="name">The host name.</param>
    /// <param name="settings">CNAME loops, and where CNAME loops and slow lookups are logged.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <param name="qualifySingle">Qualify a one-component name by the resolver's search list.</param>
    public static async Task<AddressLookup> LookupAsync(IDnsRecordResolver dns, string name, DnsLookupSettings settings, CancellationToken cancellationToken,
        bool qualifySingle = false)
    {
        var addresses = ImmutableArray.CreateBuilder<IPAddress>();
        var temporary = false;
        string? canonical = null;
        foreach (var type in Types)
        {
            var question = new DnsQuestion(name, type) { QualifySingle = qualifySingle };
            var result = await DnsLookup.LookupAsync(dns, question, settings, cancellationToken).ConfigureAwait(false);
            if (result.Status is DnsStatus.Again or DnsStatus.Fail) temporary = true;
            if (result.Status != DnsStatus.Succeed) continue;
            canonical ??= result.Fqdn;
            foreach (var record in result.Records.OfType<AddressRecord>()) addresses.Add(record.Address);
        }
        if (addresses.Count > 0) return new AddressLookup(AddressLookupStatus.Found, canonical, addresses.ToImmutable());
        return new AddressLookup(temporary ? AddressLookupStatus.Again : AddressLookupStatus.NotFound, null, []);
    }
}
