using System.Net;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// DNS lookups through the daemon's resolver plugin and host cache, bounded by the hook's time budget. A name that
/// does not exist, or has no records of the type, gives an empty list; a lookup that cannot complete (timeout,
/// SERVFAIL) throws <see cref="DnsLookupException"/>. A DNS blocklist check:
/// <code>
/// var listed = await Dns.A(Dns.BlocklistName(Connection.RemoteAddress, "zen.example"));
/// if (listed.Count > 0) return Verdict.Reject("listed at zen.example");
/// </code>
/// </summary>
public interface IScriptDns
{
    /// <summary>The IPv4 addresses of <paramref name="name"/>.</summary>
    /// <param name="name">A domain name.</param>
    Task<IReadOnlyList<IPAddress>> A(string name);

    /// <summary>The TXT records of <paramref name="name"/>, each record's strings joined.</summary>
    /// <param name="name">A domain name.</param>
    Task<IReadOnlyList<string>> Txt(string name);

    /// <summary>
    /// The name to look up for <paramref name="address"/> in a DNS list: <c>4.3.2.1.zone</c> for 1.2.3.4, the
    /// reversed nibbles for IPv6.
    /// </summary>
    /// <param name="address">The address to check.</param>
    /// <param name="zone">The list's zone, e.g. <c>zen.spamhaus.org</c>.</param>
    string BlocklistName(IPAddress address, string zone);
}
