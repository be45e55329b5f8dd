using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// Typed reads of a built-in router's options with Exim's defaults. The generic options the core owns and has checked
/// (<c>self</c>, <c>ignore_target_hosts</c>, <c>pass_on_timeout</c>, <c>dnssec_*_domains</c>) are read the same way,
/// with the core's defaults.
/// </summary>
internal readonly struct RouterOptionReader(IPluginOptions options)
{
    private static readonly RouterConfig Defaults = new();

    public IPluginOptions Options => options;

    /// <summary>A configuration error with <paramref name="message"/> as it stands, at <paramref name="key"/>'s place.</summary>
    public EximConfigException Error(string key, string message)
        => new(options is IOptionPositions positions ? positions.Position(key, message) : new ConfigDiagnostic("", 0, 0, message));

    public bool Bool(string key, bool fallback = false) => options.GetBoolean(key) ?? fallback;

    public string? String(string key) => options.GetString(key);

    public ImmutableArray<string> List(string key) => options.GetList(key) ?? [];

    /// <summary>The generic <c>self</c> option.</summary>
    public string Self => options.GetString("self") ?? Defaults.Self;

    /// <summary>The generic <c>ignore_target_hosts</c> option.</summary>
    public ImmutableArray<string> IgnoreTargetHosts => List("ignore_target_hosts");

    /// <summary>The generic <c>pass_on_timeout</c> option.</summary>
    public bool PassOnTimeout => Bool("pass_on_timeout");

    /// <summary>The generic <c>dnssec_request_domains</c> option.</summary>
    public ImmutableArray<string> DnssecRequestDomains => options.GetList("dnssec_request_domains") ?? Defaults.DnssecRequestDomains;

    /// <summary>The generic <c>dnssec_require_domains</c> option.</summary>
    public ImmutableArray<string> DnssecRequireDomains => List("dnssec_require_domains");
}
