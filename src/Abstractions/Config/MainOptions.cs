using System.Collections.Immutable;

namespace Exim.Abstractions.Config;

/// <summary>
/// Exim's main options: the top-level keys of <c>exim.toml</c>, with Exim's names and defaults.
/// Instances are immutable snapshots; a reload builds a new one.
/// </summary>
internal sealed record MainOptions
{
    // ---- identity and files ----

    /// <summary>The host's fully qualified name. Defaults to the system host name.</summary>
    [EximOption("primary_hostname")] public string PrimaryHostname { get; init; } = "";

    /// <summary>
    /// The domain added to unqualified local parts: the sender's, and (through <see cref="QualifyRecipient"/>) the
    /// recipients'. Defaults to <see cref="PrimaryHostname"/>.
    /// </summary>
    [EximOption("qualify_domain")] public string QualifyDomain { get; init; } = "";

    /// <summary>The domain added to unqualified recipient addresses. Defaults to <see cref="QualifyDomain"/> (the loader fills both defaults in).</summary>
    [EximOption("qualify_recipient")] public string QualifyRecipient { get; init; } = "";

    /// <summary>Where messages, the pid file and (by default) the logs live.</summary>
    [EximOption("spool_directory", Kind = OptionKind.Path)] public string SpoolDirectory { get; init; } = "/var/spool/exim";

    /// <summary>Log file pattern; <c>%s</c> becomes <c>main</c>, <c>panic</c> or <c>reject</c>. Empty means <c>&lt;spool&gt;/log/%slog</c>.</summary>
    [EximOption("log_file_path", Kind = OptionKind.Path)] public string LogFilePath { get; init; } = "";

    /// <summary>The daemon's pid file. Empty means <c>&lt;spool&gt;/exim-daemon.pid</c>.</summary>
    [EximOption("pid_file_path", Kind = OptionKind.Path)] public string PidFilePath { get; init; } = "";

    /// <summary>
    /// Where each process appends a line saying what it is doing when it gets SIGUSR1 (what <c>exiwhat</c> shows).
    /// Empty means <c>&lt;spool&gt;/exim-process.info</c>.
    /// </summary>
    [EximOption("process_log_path", Kind = OptionKind.Path)] public string ProcessLogPath { get; init; } = "";

    /// <summary>
    /// The daemon's control socket (Exim 4.94+'s notifier socket, the same default): a Unix stream socket in the file
    /// system (Exim's is in Linux's abstract namespace), mode 0600, answering only root and the Exim user. An absolute
    /// path, or one starting with <c>$spool_directory</c>; empty: no control socket.
    /// </summary>
    [EximOption("notifier_socket")] public string NotifierSocket { get; init; } = "$spool_directory/exim_daemon_notify";

    /// <summary>The text after <c>220 </c> in the greeting.</summary>
    [EximOption("smtp_banner")] public string SmtpBanner { get; init; } = "$smtp_active_hostname ESMTP Exim $version_number $tod_full";

    /// <summary>The host name used in SMTP replies; empty means <see cref="PrimaryHostname"/>.</summary>
    [EximOption("smtp_active_hostname")] public string SmtpActiveHostname { get; init; } = "";

    // ---- users and privileges ----

    /// <summary>
    /// The user the daemon and everything it starts run as once the listening sockets are bound (a login name or a
    /// number). Empty: the user that started it.
    /// </summary>
    [EximOption("exim_user")] public string EximUser { get; init; } = "";

    /// <summary>The group that goes with <see cref="EximUser"/>; empty means that user's primary group.</summary>
    [EximOption("exim_group")] public string EximGroup { get; init; } = "";

    /// <summary>Users (names or numbers) who may set the envelope sender and the <c>-oMr</c>-style options of a local submission.</summary>
    [EximOption("trusted_users")] public ImmutableArray<string> TrustedUsers { get; init; } = [];

    /// <summary>Groups whose members are trusted as <see cref="TrustedUsers"/> are.</summary>
    [EximOption("trusted_groups")] public ImmutableArray<string> TrustedGroups { get; init; } = [];

    /// <summary>Groups whose members are admin users (besides root and the Exim user): they may list, view and change the queue.</summary>
    [EximOption("admin_groups")] public ImmutableArray<string> AdminGroups { get; init; } = [];

    /// <summary>Whether only admin users may list or count the queue (<c>-bp</c>, <c>-bpc</c>, <c>mailq</c>), as Exim's default.</summary>
    [EximOption("queue_list_requires_admin")] public bool QueueListRequiresAdmin { get; init; } = true;

    /// <summary>Whether only admin users may start a queue run (<c>-q</c>, <c>-R</c>, <c>-S</c>), deliver a message (<c>-M</c>) or move one (<c>-MG</c>).</summary>
    [EximOption("prod_requires_admin")] public bool ProdRequiresAdmin { get; init; } = true;
    // ---- local submission (sendmail, exim -bm, -bs) ----

    /// <summary>
    /// Ours: the Unix socket on which the daemon takes local submissions from any user (who it is comes from the
    /// socket's peer credentials). An absolute path (relative ones are taken from the configuration file's directory;
    /// the socket is made mode 0666, so its directory must be traversable by the users who submit), or <c>@name</c> for
    /// Linux's abstract namespace. Empty (the default): the abstract name <c>@exim-submit:</c> followed by
    /// <see cref="SpoolDirectory"/>, which needs no directory at all.
    /// </summary>
    [EximOption("submission_socket")] public string SubmissionSocket { get; init; } = "";

    /// <summary>
    /// Address patterns an untrusted user may give as the envelope sender with <c>-f</c> (Exim's address list: <c>*</c>,
    /// <c>!</c>, <c>^regex</c>, <c>local@domain</c> with <c>*</c> wildcards, or a domain item). Unset: only <c>-f &lt;&gt;</c>.
    /// </summary>
    [EximOption("untrusted_set_sender")] public ImmutableArray<string> UntrustedSetSender { get; init; } = [];

    /// <summary>Whether the From: of a message from an untrusted local user is checked against the user's address, adding Sender: when it differs.</summary>
    [EximOption("local_from_check")] public bool LocalFromCheck { get; init; } = true;

    /// <summary>Whether a Sender: header in a message from an untrusted local user is kept (only with <c>local_from_check = false</c>).</summary>
    [EximOption("local_sender_retain")] public bool LocalSenderRetain { get; init; }

    /// <summary>Prefixes of the From: local part that local_from_check ignores (<c>*</c> wildcards at the start, as <c>*-</c>).</summary>
    [EximOption("local_from_prefix")] public ImmutableArray<string> LocalFromPrefix { get; init; } = [];

    /// <summary>Suffixes of the From: local part that local_from_check ignores (<c>*</c> wildcards at the end, as <c>-*</c>).</summary>
    [EximOption("local_from_suffix")] public ImmutableArray<string> LocalFromSuffix { get; init; } = [];

    /// <summary>With <c>-t</c>, whether addresses given as arguments are removed from those taken from the headers (else added to them).</summary>
    [EximOption("extract_addresses_remove_arguments")] public bool ExtractAddressesRemoveArguments { get; init; } = true;

    // ---- listening ----

    /// <summary>Addresses to listen on, optionally with <c>.port</c> or <c>[addr]:port</c>.</summary>
    [EximOption("local_interfaces")] public ImmutableArray<string> LocalInterfaces { get; init; } = ["::0", "0.0.0.0"];

    /// <summary>Further addresses that count as this host but are not listened on.</summary>
    [EximOption("extra_local_interfaces")] public ImmutableArray<string> ExtraLocalInterfaces { get; init; } = [];

    /// <summary>Ports for interfaces that name none.</summary>
    [EximOption("daemon_smtp_ports", Kind = OptionKind.PortList, Alias = "daemon_smtp_port")] public ImmutableArray<string> DaemonSmtpPorts { get; init; } = ["smtp"];

    /// <summary>The listen() backlog.</summary>
    [EximOption("smtp_connect_backlog", Min = 1, Max = 65535)] public int SmtpConnectBacklog { get; init; } = 20;

    /// <summary>How many more times to try a failing bind().</summary>
    [EximOption("daemon_startup_retries", Min = 0, Max = 1000)] public int DaemonStartupRetries { get; init; } = 9;

    /// <summary>The wait between bind() attempts.</summary>
    [EximOption("daemon_startup_sleep")] public TimeSpan DaemonStartupSleep { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Set TCP_NODELAY on listening and accepted sockets.</summary>
    [EximOption("tcp_nodelay")] public bool TcpNodelay { get; init; } = true;

    /// <summary>Never use IPv6.</summary>
    [EximOption("disable_ipv6")] public bool DisableIpv6 { get; init; }

    // ---- TLS (server side) ----

    /// <summary>
    /// The server's certificate files (PEM: the certificate, then any intermediates). With several, the one whose names
    /// match the client's SNI is served, else the first. Empty: no TLS (STARTTLS is not advertised).
    /// </summary>
    [EximOption("tls_certificate")] public ImmutableArray<string> TlsCertificate { get; init; } = [];

    /// <summary>The private keys (PEM), paired with <see cref="TlsCertificate"/> by position; empty: each key is in its certificate file.</summary>
    [EximOption("tls_privatekey")] public ImmutableArray<string> TlsPrivatekey { get; init; } = [];

    /// <summary>Hosts to which STARTTLS is advertised (when a certificate is configured).</summary>
    [EximOption("tls_advertise_hosts")] public ImmutableArray<string> TlsAdvertiseHosts { get; init; } = ["*"];

    /// <summary>Ports on which TLS starts at once, before the greeting (implicit TLS, e.g. 465); they must also be listened on.</summary>
    [EximOption("tls_on_connect_ports", Kind = OptionKind.PortList)] public ImmutableArray<string> TlsOnConnectPorts { get; init; } = [];

    /// <summary>
    /// The cipher suites the server allows, colon-separated: IANA names (<c>TLS_AES_256_GCM_SHA384</c>) or the
    /// OpenSSL names of the common ones (<c>ECDHE-ECDSA-AES256-GCM-SHA384</c>). Empty: the system's defaults.
    /// </summary>
    [EximOption("tls_require_ciphers", Kind = OptionKind.CipherList)] public string TlsRequireCiphers { get; init; } = "";

    /// <summary>Ours (Exim sets it through openssl_options): the oldest protocol accepted, <c>TLS1.2</c> or <c>TLS1.3</c>.</summary>
    [EximOption("tls_min_protocol")] public string TlsMinProtocol { get; init; } = "TLS1.2";

    /// <summary>Clients that must present a certificate that verifies against <see cref="TlsVerifyCertificates"/>.</summary>
    [EximOption("tls_verify_hosts")] public ImmutableArray<string> TlsVerifyHosts { get; init; } = [];

    /// <summary>Clients asked for a certificate, which is verified if sent (<c>CV=yes</c>) but not required.</summary>
    [EximOption("tls_try_verify_hosts")] public ImmutableArray<string> TlsTryVerifyHosts { get; init; } = [];

    /// <summary>The CAs client certificates are verified against: a PEM file, a directory of PEM files, or <c>system</c>.</summary>
    [EximOption("tls_verify_certificates")] public string TlsVerifyCertificates { get; init; } = "system";

    // ---- accept limits ----

    /// <summary>
    /// Most simultaneous SMTP sessions; 0 means no limit. Not clamped to Exim's 4096: the daemon cuts it only to what its
    /// file descriptors allow (RLIMIT_NOFILE, raised to the hard limit at start), and says so in the log and in -bP.
    /// </summary>
    [EximOption("smtp_accept_max", Min = 0)] public int SmtpAcceptMax { get; init; } = 20;

    /// <summary>Most simultaneous sessions from one IP address; 0 means no limit.</summary>
    [EximOption("smtp_accept_max_per_host", Min = 0)] public int SmtpAcceptMaxPerHost { get; init; }

    /// <summary>Sessions kept back for <see cref="SmtpReserveHosts"/>.</summary>
    [EximOption("smtp_accept_reserve", Min = 0)] public int SmtpAcceptReserve { get; init; }

    /// <summary>Hosts that may use the reserved sessions and bypass the load reserve.</summary>
    [EximOption("smtp_reserve_hosts")] public ImmutableArray<string> SmtpReserveHosts { get; init; } = [];

    /// <summary>Above this load average only reserve hosts are accepted; -1 means unset.</summary>
    [EximOption("smtp_load_reserve", Kind = OptionKind.FixedPoint)] public int SmtpLoadReserve { get; init; } = -1;

    /// <summary>Above this many sessions, received messages are only queued; 0 means off.</summary>
    [EximOption("smtp_accept_queue", Min = 0)] public int SmtpAcceptQueue { get; init; }

    /// <summary>After this many messages on one connection the rest are only queued; 0 means off.</summary>
    [EximOption("smtp_accept_queue_per_connection", Min = 0)] public int SmtpAcceptQueuePerConnection { get; init; } = 10;

    /// <summary>Most MAIL commands on one connection.</summary>
    [EximOption("smtp_accept_max_per_connection", Min = 0)] public int SmtpAcceptMaxPerConnection { get; init; } = 1000;

    /// <summary>Most non-mail commands before the connection is dropped.</summary>
    [EximOption("smtp_accept_max_nonmail", Min = 0)] public int SmtpAcceptMaxNonmail { get; init; } = 10;

    /// <summary>Hosts that <see cref="SmtpAcceptMaxNonmail"/> applies to.</summary>
    [EximOption("smtp_accept_max_nonmail_hosts")] public ImmutableArray<string> SmtpAcceptMaxNonmailHosts { get; init; } = ["*"];

    /// <summary>Hosts whose connections are refused with 554.</summary>
    [EximOption("host_reject_connection")] public ImmutableArray<string> HostRejectConnection { get; init; } = [];

    /// <summary>Hosts whose connections are not logged.</summary>
    [EximOption("hosts_connection_nolog")] public ImmutableArray<string> HostsConnectionNolog { get; init; } = [];

    /// <summary>Log when the listen backlog exceeds this; 0 means off.</summary>
    [EximOption("smtp_backlog_monitor", Min = 0)] public int SmtpBacklogMonitor { get; init; }

    /// <summary>Not in Exim: on SIGTERM, how long sessions may finish before the rest are told 421 and closed.</summary>
    [EximOption("daemon_drain_timeout")] public TimeSpan DaemonDrainTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Set SO_KEEPALIVE on accepted connections.</summary>
    [EximOption("smtp_accept_keepalive")] public bool SmtpAcceptKeepalive { get; init; } = true;

    // ---- SMTP session ----

    /// <summary>
    /// How long a whole command line may take to arrive (a deadline per line, not per read, so a client trickling
    /// bytes cannot hold its slot), and how long DATA may go without input; 0 means no limit.
    /// </summary>
    [EximOption("smtp_receive_timeout")] public TimeSpan SmtpReceiveTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Not in Exim (Postfix's smtpd_min_data_rate): the slowest DATA a client may send, in bytes per second. Each read
    /// earns its bytes ÷ this rate of extra time, and the time left never exceeds smtp_receive_timeout, so a client
    /// slower than this on average is cut off (421, data timeout) while pauses shorter than smtp_receive_timeout are
    /// always allowed. 0 restarts the timeout on every read, as Exim does.
    /// </summary>
    [EximOption("smtp_min_data_rate", Kind = OptionKind.Size, Min = 0)] public long SmtpMinDataRate { get; init; } = 500;

    /// <summary>
    /// Not in Exim: how long a connection may last before its first MAIL command (from the greeting), so slow or idle
    /// clients cannot hold slots with HELO and NOOP; 0 means no limit.
    /// </summary>
    [EximOption("smtp_premail_timeout")] public TimeSpan SmtpPremailTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Not in Exim (Postfix's smtpd_forbid_bare_newline = reject): refuse a command line ending in a bare LF
    /// (500) and a message holding a bare LF or a bare CR (550 after the data). Off (Postfix's normalize): a bare LF
    /// or CR is taken as a line end. Either way only CR LF . CR LF ends DATA.
    /// </summary>
    [EximOption("smtp_forbid_bare_newline")] public bool SmtpForbidBareNewline { get; init; }

    /// <summary>Hosts that <see cref="SmtpForbidBareNewline"/> does not apply to (old clients on the local network).</summary>
    [EximOption("smtp_forbid_bare_newline_exclusions")] public ImmutableArray<string> SmtpForbidBareNewlineExclusions { get; init; } = [];

    /// <summary>
    /// Not in Exim: how a group commit makes messages durable. <c>"filesystem"</c> (default): one syncfs(2) per batch,
    /// which needs Linux 5.8 or later to report write errors (older kernels fall back to <c>"file"</c>) and also
    /// flushes anything else dirty on the spool's filesystem. <c>"file"</c>: fsync every -D and -H file, as Exim does.
    /// Either way the directory is fsynced after the renames, and 250 is sent only after both.
    /// </summary>
    [EximOption("spool_sync")] public string SpoolSync { get; init; } = "filesystem";

    /// <summary>Largest message accepted; 0 means no limit.</summary>
    [EximOption("message_size_limit", Kind = OptionKind.Size, Min = 0)] public long MessageSizeLimit { get; init; } = 50L * 1024 * 1024;

    /// <summary>Most recipients per message; 0 means no limit.</summary>
    [EximOption("recipients_max", Min = 0)] public int RecipientsMax { get; init; } = 50000;

    /// <summary>Protocol errors before the connection is dropped.</summary>
    [EximOption("smtp_max_synprot_errors", Min = 0)] public int SmtpMaxSynprotErrors { get; init; } = 3;

    /// <summary>Reject commands sent ahead of a reply when PIPELINING was not offered or used wrongly.</summary>
    [EximOption("smtp_enforce_sync")] public bool SmtpEnforceSync { get; init; } = true;

    /// <summary>Domains delivered on this host.</summary>
    [EximOption("local_domains")] public ImmutableArray<string> LocalDomains { get; init; } = ["@"];

    /// <summary>Domains this host relays to for anyone.</summary>
    [EximOption("relay_to_domains")] public ImmutableArray<string> RelayToDomains { get; init; } = [];

    /// <summary>Hosts that may relay to any domain.</summary>
    [EximOption("relay_from_hosts")] public ImmutableArray<string> RelayFromHosts { get; init; } = ["127.0.0.1", "::1"];

    /// <summary>Hosts whose name is looked up by reverse DNS with forward confirmation.</summary>
    [EximOption("host_lookup")] public ImmutableArray<string> HostLookup { get; init; } = [];

    // ---- queueing ----

    /// <summary>Queue every message instead of delivering it at once.</summary>
    [EximOption("queue_only")] public bool QueueOnly { get; init; }

    /// <summary>Whether each message has its own log under <c>&lt;spool&gt;/msglog/</c> (what <c>-Mvl</c> shows), as Exim's default.</summary>
    [EximOption("message_logs")] public bool MessageLogs { get; init; } = true;

    /// <summary>
    /// Put each message's files in a subdirectory of <c>input/</c> (and its log of <c>msglog/</c>) named by the sixth
    /// character of its id, so a queue of many thousands of messages is spread over 62 directories (Exim's option).
    /// </summary>
    [EximOption("split_spool_directory")] public bool SplitSpoolDirectory { get; init; }

    /// <summary>Keep a completed message's log, moved to <c>&lt;spool&gt;/msglog.OLD/</c>, instead of removing it.</summary>
    [EximOption("preserve_message_logs")] public bool PreserveMessageLogs { get; init; }

    /// <summary>Above this load average messages are only queued; -1 means unset.</summary>
    [EximOption("queue_only_load", Kind = OptionKind.FixedPoint)] public int QueueOnlyLoad { get; init; } = -1;

    /// <summary>Once <see cref="QueueOnlyLoad"/> triggers, queue the rest of the session too.</summary>
    [EximOption("queue_only_load_latch")] public bool QueueOnlyLoadLatch { get; init; } = true;

    /// <summary>Most simultaneous queue runners per queue and in total; 0 means no limit.</summary>
    [EximOption("queue_run_max", Min = 0)] public int QueueRunMax { get; init; } = 5;

    /// <summary>
    /// Ours: how many messages the daemon delivers at once straight after receiving them (in-process workers, read at
    /// start-up); a message that finds a full backlog waits for the next queue run.
    /// </summary>
    [EximOption("immediate_delivery_max", Min = 1, Max = 256)] public int ImmediateDeliveryMax { get; init; } = 4;

    /// <summary>
    /// Ours: how many messages one queue run delivers at once, in-process, taking them in queue order (Exim's runner
    /// forks one delivery at a time and gets its parallelism from <c>queue_run_max</c> runners); 1 delivers strictly one
    /// after another.
    /// </summary>
    [EximOption("queue_run_parallel", Min = 1, Max = 256)] public int QueueRunParallel { get; init; } = 8;

    /// <summary>Above this load average queue runs are abandoned; -1 means unset.</summary>
    [EximOption("deliver_queue_load_max", Kind = OptionKind.FixedPoint)] public int DeliverQueueLoadMax { get; init; } = -1;

    // ---- hosts and DNS ----

    /// <summary>Host names treated as this host for MX self-detection.</summary>
    [EximOption("hosts_treat_as_local")] public ImmutableArray<string> HostsTreatAsLocal { get; init; } = [];

    /// <summary>Domains for which a temporary DNS failure means "does not exist".</summary>
    [EximOption("dns_again_means_nonexist")] public ImmutableArray<string> DnsAgainMeansNonexist { get; init; } = [];

    /// <summary>Domains whose addresses are looked up as A records only.</summary>
    [EximOption("dns_ipv4_lookup")] public ImmutableArray<string> DnsIpv4Lookup { get; init; } = [];

    /// <summary>
    /// Zones (a domain list) whose authoritative answers count as DNSSEC-secure even without the AD bit, matched
    /// against the zone the answer came from (its NS or SOA owner).
    /// </summary>
    [EximOption("dns_trust_aa")] public ImmutableArray<string> DnsTrustAa { get; init; } = [];

    /// <summary>How many CNAME links a lookup follows.</summary>
    [EximOption("dns_cname_loops", Min = 0, Max = 32)] public int DnsCnameLoops { get; init; } = 1;

    /// <summary>Retransmission interval; 0 means the resolver's default.</summary>
    [EximOption("dns_retrans")] public TimeSpan DnsRetrans { get; init; }

    /// <summary>Retry count; 0 means the resolver's default.</summary>
    [EximOption("dns_retry", Min = 0, Max = 100)] public int DnsRetry { get; init; }

    /// <summary>Log DNS lookups slower than this many milliseconds; 0 means off.</summary>
    [EximOption("slow_lookup_log", Min = 0)] public int SlowLookupLog { get; init; }

    // ---- authentication ----

    /// <summary>
    /// Hosts AUTH is advertised to (and accepted from). Left unset, AUTH is offered to every host but only once the session
    /// is encrypted (Exim's default is <c>*</c> in clear too; the manual recommends this instead). Set explicitly, the list
    /// decides alone, in clear and under TLS alike, as in Exim: <c>["*"]</c> offers AUTH in clear to everyone,
    /// <c>[]</c> to nobody.
    /// </summary>
    [EximOption("auth_advertise_hosts")] public ImmutableArray<string> AuthAdvertiseHosts { get; init; } = ["*"];

    /// <summary>Whether <see cref="AuthAdvertiseHosts"/> was set in the file (when it was not, AUTH is offered only under TLS).</summary>
    public bool AuthAdvertiseHostsSet { get; init; }

    /// <summary>
    /// Ours: AUTH commands answered <c>535</c> on one connection before the client is told <c>421</c> and dropped; 0 means
    /// no limit.
    /// </summary>
    [EximOption("smtp_max_auth_failures", Min = 0)] public int SmtpMaxAuthFailures { get; init; } = 3;

    // ---- logging and metrics ----

    /// <summary>
    /// Exim's log_selector: which optional items and lines are logged (<c>+smtp_connection +subject -retry_defer</c>,
    /// <c>+all</c>, <c>-all</c>), starting from Exim's defaults. Resolved once per configuration into a bit set.
    /// </summary>
    [EximOption("log_selector")] public string LogSelector { get; init; } = "";

    /// <summary>The syslog facility when <c>log_file_path</c> includes <c>syslog</c> (Exim's default <c>mail</c>).</summary>
    [EximOption("syslog_facility")] public string SyslogFacility { get; init; } = "mail";

    /// <summary>The program name syslog lines carry (Exim's default <c>exim</c>).</summary>
    [EximOption("syslog_processname")] public string SyslogProcessname { get; init; } = "exim";

    /// <summary>Ours: the local syslog socket (a Unix datagram socket) when logging to syslog.</summary>
    [EximOption("syslog_socket_path", Kind = OptionKind.Path)] public string SyslogSocketPath { get; init; } = "/dev/log";

    /// <summary>
    /// Ours: where the Prometheus scrape endpoint (<c>/metrics</c>) listens: a port (on 127.0.0.1), <c>ip:port</c> or
    /// <c>[ipv6]:port</c>; empty (the default) for none. Only a loopback address unless <see cref="MetricsPrometheusAllowRemote"/>.
    /// </summary>
    [EximOption("metrics_prometheus_listen")] public string MetricsPrometheusListen { get; init; } = "";

    /// <summary>Ours: allow <see cref="MetricsPrometheusListen"/> on an address other than loopback (the metrics are not authenticated).</summary>
    [EximOption("metrics_prometheus_allow_remote")] public bool MetricsPrometheusAllowRemote { get; init; }

    /// <summary>Ours: an OpenTelemetry collector to push the metrics to with OTLP over gRPC (<c>http://collector:4317</c>); empty for none.</summary>
    [EximOption("metrics_otlp_endpoint")] public string MetricsOtlpEndpoint { get; init; } = "";
}
