using System.Collections.Immutable;
using System.Net;

namespace Exim.Plugins.DnsResolver;

/// <summary>The plugin's <c>[plugins.dns-resolver]</c> options.</summary>
internal sealed record DnsResolverOptions(
    ImmutableArray<IPEndPoint> NameServers,
    TimeSpan Timeout,
    int Retries,
    bool Edns,
    bool TrustAd,
    ImmutableArray<string> Search)
{
    public const int DefaultPort = 53;
}
