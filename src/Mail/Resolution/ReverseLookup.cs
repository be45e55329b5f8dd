using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>
/// Exim's host_name_lookup (spec §2.11), bydns: a PTR query, names with characters other than letters, digits, '-'
/// and '.' skipped and the rest lowercased; then each name, main name first, is forward-confirmed with A and AAAA
/// lookups and kept only if one of its addresses is the client's (IPv4-mapped compared as IPv4). Any temporary
/// failure defers the whole lookup.
/// </summary>
internal static class ReverseLookup
{
    /// <param name="dns">The resolver (normally through the host cache).</param>
    /// <param name="client">The client's address.</param>
    /// <param name="settings">CNAME loops, and where CNAME loops and slow lookups are logged.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public static async Task<ReverseLookupResult> LookupAsync(IDnsRecordResolver dns, IPAddress client, DnsLookupSettings settings, CancellationToken cancellationToken)
    {
        var address = client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client;
        var ptr = await DnsLookup.LookupAsync(dns, new DnsQuestion(ReverseName(address), DnsRecordType.Ptr), settings, cancellationToken).ConfigureAwait(false);
        if (ptr.Status is DnsStatus.Again) return new ReverseLookupResult(HostFindStatus.Again, null, [], "(host lookup deferred)");
        var names = ptr.Records.OfType<PtrRecord>().Select(p => p.Target.ToLowerInvariant()).Where(IsAcceptableName).Distinct().ToList();
        if (names.Count == 0) return new ReverseLookupResult(HostFindStatus.Failed, null, [], "(failed to find host name from IP address)");

        var confirmed = new List<string>();
        foreach (var name in names)
        {
            // Exim confirms with host_find_bydns: AAAA and A, a temporary failure deferring only when nothing was found.
            var forward = await ForwardLookup.LookupAsync(dns, name, settings, cancellationToken).ConfigureAwait(false);
            if (forward.Status is AddressLookupStatus.Again) return new ReverseLookupResult(HostFindStatus.Again, null, [], "(host lookup deferred)");
            if (forward.Addresses.Any(a => (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Equals(address))) confirmed.Add(name);
        }
        return confirmed.Count == 0
            ? new ReverseLookupResult(HostFindStatus.Failed, null, [], $"({address} does not match any IP address for {names[0]})")
            : new ReverseLookupResult(HostFindStatus.Found, confirmed[0], [.. confirmed.Skip(1)], null);
    }

    /// <summary>The in-addr.arpa or ip6.arpa name for an address.</summary>
    public static string ReverseName(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        var sb = new StringBuilder(73);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = bytes.Length - 1; i >= 0; i--) sb.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            return sb.Append("in-addr.arpa").ToString();
        }
        for (var i = bytes.Length - 1; i >= 0; i--)
        {
            sb.Append((bytes[i] & 0xF).ToString("x", CultureInfo.InvariantCulture)).Append('.');
            sb.Append((bytes[i] >> 4).ToString("x", CultureInfo.InvariantCulture)).Append('.');
        }
        return sb.Append("ip6.arpa").ToString();
    }

    private static bool IsAcceptableName(string name)
        => name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.');
}
