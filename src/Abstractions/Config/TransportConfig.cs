using System.Collections.Immutable;

namespace Exim.Abstractions.Config;

/// <summary>One <c>[[transports]]</c> table.</summary>
public sealed record TransportConfig
{
    /// <summary>The transport's name, as routers name it.</summary>
    [EximOption("name")] public string Name { get; init; } = "";

    /// <summary>The driver: <c>smtp</c> or <c>maildir</c>.</summary>
    [EximOption("driver")] public string Driver { get; init; } = "";

    /// <summary>smtp: the port to connect to: a number or a service name.</summary>
    [EximOption("port", Drivers = "smtp", Kind = OptionKind.Port)] public string Port { get; init; } = "smtp";

    /// <summary>smtp: outbound source addresses; the first of the target's family is bound.</summary>
    [EximOption("interface", Drivers = "smtp")] public ImmutableArray<string> Interface { get; init; } = [];

    /// <summary>smtp: connect timeout.</summary>
    [EximOption("connect_timeout", Drivers = "smtp")] public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>smtp: timeout for each command's reply.</summary>
    [EximOption("command_timeout", Drivers = "smtp")] public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>smtp: timeout for each block of data.</summary>
    [EximOption("data_timeout", Drivers = "smtp")] public TimeSpan DataTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>smtp: shuffle the host list.</summary>
    [EximOption("hosts_randomize", Drivers = "smtp")] public bool HostsRandomize { get; init; }

    /// <summary>smtp: most recipients per transaction.</summary>
    [EximOption("max_rcpt", Drivers = "smtp", Min = 1)] public int MaxRcpt { get; init; } = 100;

    /// <summary>smtp: hosts to use instead of (with hosts_override) or when the router gives none.</summary>
    [EximOption("hosts", Drivers = "smtp")] public ImmutableArray<string> Hosts { get; init; } = [];

    /// <summary>smtp: use <see cref="Hosts"/> even when the router supplied hosts.</summary>
    [EximOption("hosts_override", Drivers = "smtp")] public bool HostsOverride { get; init; }

    /// <summary>
    /// smtp: hosts tried for the recipients every normal host left deferred (a router's <c>fallback_hosts</c> takes
    /// precedence; not used when this host was a lower MX for the domain).
    /// </summary>
    [EximOption("fallback_hosts", Drivers = "smtp")] public ImmutableArray<string> FallbackHosts { get; init; } = [];

    /// <summary>smtp: most hosts tried per delivery.</summary>
    [EximOption("hosts_max_try", Drivers = "smtp", Min = 1)] public int HostsMaxTry { get; init; } = 5;

    /// <summary>smtp: deliver even when the host is this host.</summary>
    [EximOption("allow_localhost", Drivers = "smtp")] public bool AllowLocalhost { get; init; }

    /// <summary>smtp: look up the names in <see cref="Hosts"/> and <see cref="FallbackHosts"/> with the system resolver (the "byname" plugin) instead of the DNS.</summary>
    [EximOption("gethostbyname", Drivers = "smtp")] public bool Gethostbyname { get; init; }

    /// <summary>smtp: qualify one-component names in <see cref="Hosts"/> and <see cref="FallbackHosts"/> by the resolver's search list when looked up in the DNS.</summary>
    [EximOption("dns_qualify_single", Drivers = "smtp")] public bool DnsQualifySingle { get; init; } = true;

    /// <summary>maildir: the directory to deliver into; <c>$local_part</c> and <c>$domain</c> are substituted.</summary>
    [EximOption("directory", Drivers = "maildir", Kind = OptionKind.Path)] public string? Directory { get; init; }
}
