using Exim.Mail.Logging;
using System.Collections.Frozen;
using Exim.Abstractions.Config;
using Exim.Abstractions.Matching;
using Exim.Mail.Matching;

namespace Exim.Mail.Smtp;

/// <summary>Everything a session needs from one configuration snapshot, prepared once per generation.</summary>
internal sealed class SmtpSettings
{
    /// <summary>How long a session waits for the name lookups of host_lookup and of host lists with names.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(30);

    public SmtpSettings(MainOptions main, string version)
    {
        Main = main;
        Version = version;
        Hostname = main.SmtpActiveHostname.Length > 0 ? main.SmtpActiveHostname : main.PrimaryHostname;
        var named = DomainList.NamedLists(main);
        LocalDomains = new DomainList(main.LocalDomains, main.PrimaryHostname, named);
        RelayToDomains = new DomainList(main.RelayToDomains, main.PrimaryHostname, named);
        RelayFromHosts = new HostList(main.RelayFromHosts);
        NonmailHosts = new HostList(main.SmtpAcceptMaxNonmailHosts);
        ConnectionNolog = new HostList(main.HostsConnectionNolog);
        HostLookup = new HostList(main.HostLookup);
        BareNewlineExclusions = new HostList(main.SmtpForbidBareNewlineExclusions);
        TlsAdvertiseHosts = new HostList(main.TlsAdvertiseHosts);
        TlsVerifyHosts = new HostList(main.TlsVerifyHosts);
        TlsTryVerifyHosts = new HostList(main.TlsTryVerifyHosts);
        TlsOnConnectPorts = ResolvePorts(main.TlsOnConnectPorts);
        AuthAdvertiseHosts = new HostList(main.AuthAdvertiseHosts);
        Log = LogSelection.Of(main);
    }

    /// <summary>log_selector, resolved.</summary>
    public LogSelection Log { get; }

    /// <summary>tls_on_connect_ports as numbers (names were checked when the configuration was loaded).</summary>
    public static FrozenSet<int> ResolvePorts(IEnumerable<string> ports)
    {
        var numbers = new HashSet<int>();
        foreach (var port in ports)
        {
            if (Resolution.PortNames.TryResolve(port, out var number)) numbers.Add(number);
        }
        return numbers.ToFrozenSet();
    }

    public MainOptions Main { get; }
    public string Version { get; }
    public string Hostname { get; }
    public DomainList LocalDomains { get; }
    public DomainList RelayToDomains { get; }
    public HostList RelayFromHosts { get; }
    public HostList NonmailHosts { get; }
    public HostList ConnectionNolog { get; }
    public HostList HostLookup { get; }
    public HostList BareNewlineExclusions { get; }
    public HostList TlsAdvertiseHosts { get; }
    public HostList TlsVerifyHosts { get; }
    public HostList TlsTryVerifyHosts { get; }

    /// <summary>tls_on_connect_ports, resolved.</summary>
    public FrozenSet<int> TlsOnConnectPorts { get; }

    /// <summary>The generation's server certificates and TLS settings, or null without tls_certificate (then no STARTTLS).</summary>
    public Tls.TlsServerCredentials? Tls { get; init; }

    public HostList AuthAdvertiseHosts { get; }

    /// <summary>The generation's authenticators, in the order configured (EHLO advertises them in this order).</summary>
    public System.Collections.Immutable.ImmutableArray<Auth.Authenticator> Authenticators { get; init; } = [];

    /// <summary>
    /// <c>exim -bh</c>: the dialogue is a test; a message is read and checked but never spooled, and its
    /// <c>250 OK id=</c> is followed by Exim's reminder that the id is not real.
    /// </summary>
    public bool HostChecking { get; init; }

    /// <summary><c>exim -bs</c>: the session is a local user's, on stdin and stdout.</summary>
    public bool LocalSmtp { get; init; }

    /// <summary>smtp_enforce_sync, which (as in Exim) does not apply to -bh or -bs, whose input is a pipe or a terminal.</summary>
    public bool EnforceSync => Main.SmtpEnforceSync && !HostChecking && !LocalSmtp;

    /// <summary>
    /// Whether input comes from a terminal or a pipe rather than a network client (-bh): then, as for Exim's local
    /// SMTP, LF alone is a full line end and <c>. LF</c> ends DATA, and smtp_forbid_bare_newline does not apply.
    /// </summary>
    public bool LocalInput => HostChecking || LocalSmtp;

    /// <summary>The greeting text: smtp_banner with $smtp_active_hostname, $primary_hostname, $version_number and $tod_full.</summary>
    public string Banner(DateTimeOffset now) => Main.SmtpBanner
        .Replace("$smtp_active_hostname", Hostname, StringComparison.Ordinal)
        .Replace("$primary_hostname", Main.PrimaryHostname, StringComparison.Ordinal)
        .Replace("$version_number", Version, StringComparison.Ordinal)
        .Replace("$tod_full", RfcDate(now), StringComparison.Ordinal);

    /// <summary>RFC 5322 date, as Exim's $tod_full: <c>Tue, 24 Nov 2026 12:00:00 +0000</c>.</summary>
    public static string RfcDate(DateTimeOffset now)
    {
        var offset = now.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        return now.ToString("ddd, dd MMM yyyy HH:mm:ss ", System.Globalization.CultureInfo.InvariantCulture) + $"{sign}{Math.Abs(offset.Hours):00}{Math.Abs(offset.Minutes):00}";
    }
}
