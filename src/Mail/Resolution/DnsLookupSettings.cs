using Microsoft.Extensions.Logging;

namespace Exim.Mail.Resolution;

/// <summary>
/// What one dns_lookup is asked (how many CNAME links it follows, dns_again_means_nonexist, dns_trust_aa) and where it
/// reports: a CNAME loop is logged, and with <see cref="SlowLookupLog"/> so is a lookup that took longer (Exim's
/// slow_lookup_log). Without a <see cref="Logger"/> nothing is logged.
/// </summary>
internal sealed record DnsLookupSettings(int CnameLoops, Func<string, bool>? AgainMeansNonexist = null, Func<string, bool>? TrustAa = null)
{
    /// <summary>Where CNAME loops and slow lookups are logged; null logs nothing.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>slow_lookup_log: a lookup taking more than this many milliseconds is logged; 0 means never.</summary>
    public int SlowLookupLog { get; init; }
}
