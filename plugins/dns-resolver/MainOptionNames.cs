namespace Exim.Plugins.DnsResolver;

/// <summary>The main options this plugin reads through <see cref="Exim.Abstractions.Plugins.IMainOptionsView"/>, by Exim's names.</summary>
internal static class MainOptionNames
{
    public const string DnsRetrans = "dns_retrans";
    public const string DnsRetry = "dns_retry";
}
