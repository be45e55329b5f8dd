using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exim.Abstractions.Resolution;
using Exim.Abstractions.Scripting;
using Exim.Mail.Resolution;

namespace Exim.Host.Scripting;

/// <summary>
/// A script's <c>Dns</c>: lookups through the generation's resolver plugin and the shared host cache (so a
/// blocklist answer is cached for its TTL), following CNAMEs as Exim does (CNAME loops and, with slow_lookup_log, slow
/// lookups logged as the session's own lookups are), and bounded by the invocation's budget.
/// </summary>
internal sealed class ScriptDns(IDnsRecordResolver? resolver, DnsLookupSettings settings, CancellationToken budget) : IScriptDns
{
    public async Task<IReadOnlyList<IPAddress>> A(string name)
    {
        var records = await LookupAsync(name, DnsRecordType.A).ConfigureAwait(false);
        return [.. records.OfType<AddressRecord>().Select(r => r.Address)];
    }

    public async Task<IReadOnlyList<string>> Txt(string name)
    {
        var records = await LookupAsync(name, DnsRecordType.Txt).ConfigureAwait(false);
        return [.. records.OfType<TxtRecord>().Select(r => string.Concat(r.Strings))];
    }

    public string BlocklistName(IPAddress address, string zone)
    {
        ArgumentNullException.ThrowIfNull(address);
        var ip = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        var bytes = ip.GetAddressBytes();
        var name = new StringBuilder();
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = bytes.Length - 1; i >= 0; i--) name.Append(CultureInfo.InvariantCulture, $"{bytes[i]}.");
        }
        else
        {
            for (var i = bytes.Length - 1; i >= 0; i--) name.Append(CultureInfo.InvariantCulture, $"{bytes[i] & 0xF:x}.{bytes[i] >> 4:x}.");
        }
        return name.Append(zone.Trim('.')).ToString();
    }

    private async Task<System.Collections.Immutable.ImmutableArray<DnsRecord>> LookupAsync(string name, DnsRecordType type)
    {
        if (resolver is null) throw new DnsLookupException($"cannot look up {name}: no DNS resolver plugin is loaded");
        var result = await DnsLookup.LookupAsync(resolver, new DnsQuestion(name, type), settings, budget).ConfigureAwait(false);
        return result.Status switch
        {
            DnsStatus.Succeed => result.Records,
            DnsStatus.NoMatch or DnsStatus.NoData => [],
            _ => throw new DnsLookupException($"DNS lookup of {name} ({type}) did not complete: {result.Status}"),
        };
    }
}
