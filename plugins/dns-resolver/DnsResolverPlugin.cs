using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;

namespace Exim.Plugins.DnsResolver;

/// <summary>
/// Registers the DNS record resolver under <see cref="StrategyKeys.Dns"/>. Options:
/// <c>nameservers</c> (<c>"192.0.2.53"</c>, <c>"127.0.0.1:5353"</c>, <c>"[::1]:5353"</c>; default: /etc/resolv.conf),
/// <c>dns_retrans</c> (per-try timeout; default the main option, else 2s), <c>dns_retry</c> (extra tries; default the
/// main option, else 1), <c>edns</c> (default true), <c>trust_ad</c> (believe the AD bit; default true only when every
/// nameserver is on loopback, where a validating resolver can be trusted), <c>search</c> (the domains qualify_single
/// and search_parents append; default: the last <c>search</c> or <c>domain</c> line of <c>resolv_conf</c>, itself
/// default /etc/resolv.conf).
/// </summary>
public sealed class DnsResolverPlugin : IEximPlugin
{
    /// <inheritdoc/>
    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
        ArgumentNullException.ThrowIfNull(registrar);
        ArgumentNullException.ThrowIfNull(context);
        var o = context.Options;
        var servers = o.GetList("nameservers") is { } list
            ? [.. list.Select(s => ParseEndPoint(s) ?? throw o.Invalid("nameservers", $"\"{s}\" is not an address or address:port"))]
            : ImmutableArray<IPEndPoint>.Empty;
        var main = context.Main;
        var mainRetrans = main.GetTime(MainOptionNames.DnsRetrans);
        var mainRetry = main.GetInt64(MainOptionNames.DnsRetry);
        var timeout = o.GetTime("dns_retrans") ?? (mainRetrans > TimeSpan.Zero ? mainRetrans : TimeSpan.FromSeconds(2));
        var retries = (int)(o.GetInt64("dns_retry") ?? (mainRetry > 0 ? mainRetry : 1));
        if (timeout <= TimeSpan.Zero) throw o.Invalid("dns_retrans", "must be more than 0s");
        if (retries is < 0 or > 10) throw o.Invalid("dns_retry", "must be between 0 and 10");
        var edns = o.GetBoolean("edns") ?? true;
        var trustAd = o.GetBoolean("trust_ad") ?? (!servers.IsEmpty && servers.All(s => IPAddress.IsLoopback(s.Address)));
        var search = o.GetList("search") is { } domains
            ? [.. domains.Select(d => d.Trim().TrimEnd('.')).Where(d => d.Length > 0)]
            : ResolvConf.SearchDomains(o.GetString("resolv_conf") ?? "/etc/resolv.conf");
        registrar.Add<IDnsRecordResolver>(StrategyKeys.Dns, new DnsClientResolver(new DnsResolverOptions(servers, timeout, retries, edns, trustAd, search)));
    }

    internal static IPEndPoint? ParseEndPoint(string text)
    {
        var s = text.Trim();
        if (IPAddress.TryParse(s, out var bare)) return new IPEndPoint(bare, DnsResolverOptions.DefaultPort);
        if (s.StartsWith('['))
        {
            var close = s.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(s[1..close], out var v6)) return null;
            return s.Length == close + 1 ? new IPEndPoint(v6, DnsResolverOptions.DefaultPort)
                : s[close + 1] == ':' && ushort.TryParse(s[(close + 2)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p6) ? new IPEndPoint(v6, p6) : null;
        }
        var colon = s.LastIndexOf(':');
        return colon > 0 && IPAddress.TryParse(s[..colon], out var v4) && ushort.TryParse(s[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var p)
            ? new IPEndPoint(v4, p) : null;
    }
}
