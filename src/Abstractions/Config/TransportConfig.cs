using System.Collections.Immutable;

namespace Exim.Abstractions.Config;

/// <summary>One <c>[[transports]]</c> table.</summary>
internal sealed record TransportConfig
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

    /// <summary>smtp: hosts Exim will not try STARTTLS with (Exim's <c>hosts_avoid_tls</c>); every other host offering it is tried.</summary>
    [EximOption("hosts_avoid_tls", Drivers = "smtp")] public ImmutableArray<string> HostsAvoidTls { get; init; } = [];

    /// <summary>smtp: hosts the message is only sent to over TLS: no STARTTLS, or a failed one, defers the host.</summary>
    [EximOption("hosts_require_tls", Drivers = "smtp")] public ImmutableArray<string> HostsRequireTls { get; init; } = [];

    /// <summary>
    /// smtp: hosts whose TLSA records are looked up (when their address records were DNSSEC-secure) and, when there
    /// are any, whose certificate is checked against them instead of a CA: TLS is then mandatory (Exim's
    /// <c>hosts_try_dane</c>, default every host).
    /// </summary>
    [EximOption("hosts_try_dane", Drivers = "smtp")] public ImmutableArray<string> HostsTryDane { get; init; } = ["*"];

    /// <summary>smtp: hosts only delivered to over DANE-verified TLS: an insecure zone or no TLSA records fails the addresses.</summary>
    [EximOption("hosts_require_dane", Drivers = "smtp")] public ImmutableArray<string> HostsRequireDane { get; init; } = [];

    /// <summary>smtp: hosts whose certificate must verify, or the TLS session fails (falling back to clear unless <see cref="HostsRequireTls"/>).</summary>
    [EximOption("tls_verify_hosts", Drivers = "smtp")] public ImmutableArray<string> TlsVerifyHosts { get; init; } = [];

    /// <summary>smtp: hosts whose certificate is verified but need not be (<c>CV=no</c> on the delivery line when it is not).</summary>
    [EximOption("tls_try_verify_hosts", Drivers = "smtp")] public ImmutableArray<string> TlsTryVerifyHosts { get; init; } = ["*"];

    /// <summary>smtp: the trust anchors for server certificates: <c>system</c> (the system store) or a PEM file or directory, added to the system's.</summary>
    [EximOption("tls_verify_certificates", Drivers = "smtp")] public string TlsVerifyCertificates { get; init; } = "system";

    /// <summary>smtp: hosts whose certificate must name them (the host name, or its IP address for an address literal).</summary>
    [EximOption("tls_verify_cert_hostnames", Drivers = "smtp")] public ImmutableArray<string> TlsVerifyCertHostnames { get; init; } = ["*"];

    /// <summary>smtp: the server name sent in the TLS handshake (SNI); none when unset.</summary>
    [EximOption("tls_sni", Drivers = "smtp")] public string? TlsSni { get; init; }

    /// <summary>smtp: a client certificate (PEM, optionally followed by its chain) offered to servers that ask for one.</summary>
    [EximOption("tls_certificate", Drivers = "smtp", Kind = OptionKind.Path)] public string? TlsCertificate { get; init; }

    /// <summary>smtp: the client certificate's private key (PEM); unset means it is in <see cref="TlsCertificate"/>'s file.</summary>
    [EximOption("tls_privatekey", Drivers = "smtp", Kind = OptionKind.Path)] public string? TlsPrivatekey { get; init; }

    /// <summary>
    /// smtp: the cipher suites offered to servers, as the server's <c>tls_require_ciphers</c> takes them (IANA or
    /// OpenSSL names, colon-separated); empty offers the system's defaults.
    /// </summary>
    [EximOption("tls_require_ciphers", Drivers = "smtp", Kind = OptionKind.CipherList)] public string TlsRequireCiphers { get; init; } = "";

    /// <summary>smtp: after a 4xx to STARTTLS or a failed handshake, deliver in clear to a host not in <see cref="HostsRequireTls"/>.</summary>
    [EximOption("tls_tempfail_tryclear", Drivers = "smtp")] public bool TlsTempfailTryclear { get; init; } = true;

    /// <summary>smtp: hosts that must accept our authentication (over TLS) before a message is sent; otherwise the host is deferred.</summary>
    [EximOption("hosts_require_auth", Drivers = "smtp")] public ImmutableArray<string> HostsRequireAuth { get; init; } = [];

    /// <summary>smtp: hosts we authenticate to when they offer AUTH over TLS; on failure the message goes unauthenticated.</summary>
    [EximOption("hosts_try_auth", Drivers = "smtp")] public ImmutableArray<string> HostsTryAuth { get; init; } = [];

    /// <summary>smtp (ours): the user name sent with AUTH PLAIN or LOGIN.</summary>
    [EximOption("auth_username", Drivers = "smtp")] public string? AuthUsername { get; init; }

    /// <summary>smtp (ours): the password sent with AUTH PLAIN or LOGIN.</summary>
    [EximOption("auth_password", Drivers = "smtp", Hidden = true)] public string? AuthPassword { get; init; }

    /// <summary>
    /// smtp (ours): a file of <c>host user password</c> lines; the first line whose host is the server's name or IP
    /// address (or <c>*</c>) gives the credentials, before <see cref="AuthUsername"/>/<see cref="AuthPassword"/>.
    /// </summary>
    [EximOption("auth_credentials_file", Drivers = "smtp", Kind = OptionKind.Path)] public string? AuthCredentialsFile { get; init; }

    /// <summary>maildir: the directory to deliver into; <c>$local_part</c> and <c>$domain</c> are substituted.</summary>
    [EximOption("directory", Drivers = "maildir", Kind = OptionKind.Path)] public string? Directory { get; init; }
}
