using System.Net;

namespace Exim.Abstractions.Scripting;

/// <summary>The connection a hook is deciding about.</summary>
/// <param name="RemoteAddress">The client's address (an IPv4-mapped IPv6 address is given as IPv4).</param>
/// <param name="RemotePort">The client's port.</param>
/// <param name="LocalAddress">The local address the client connected to.</param>
/// <param name="LocalPort">The local port the client connected to.</param>
/// <param name="HostName">The client's forward-confirmed host name when <c>host_lookup</c> matched it and the lookup succeeded, else null.</param>
/// <param name="SlotId">The connection's slot id (the id in the daemon's log lines).</param>
public sealed record AcceptConnection(IPAddress RemoteAddress, int RemotePort, IPAddress LocalAddress, int LocalPort, string? HostName, string SlotId)
{
    /// <summary>Whether the session is encrypted (STARTTLS or a TLS-on-connect port).</summary>
    public bool Tls => TlsSession is not null;

    /// <summary>What the session's TLS negotiated, or null while it is in clear.</summary>
    public TlsSessionInfo? TlsSession { get; init; }

    /// <summary>The name the client authenticated as (Exim's <c>$authenticated_id</c>), or null.</summary>
    public string? AuthenticatedId { get; init; }

    /// <summary>The name of the authenticator that accepted the client (Exim's <c>$sender_host_authenticated</c>, the <c>A=</c> log field), or null.</summary>
    public string? Authenticator { get; init; }

    /// <summary>
    /// For <c>exim -bs</c> (an SMTP dialogue on a local user's stdin and stdout, as MUAs and inetd use it): the login of
    /// that user, whom the kernel vouches for; null for a network connection. Such a session has no client address (in
    /// Exim <c>$sender_host_address</c> is empty and <c>hosts = :</c> matches it); <see cref="RemoteAddress"/> is then
    /// 127.0.0.1. Exim's default configuration accepts it at once in its RCPT ACL, as the bundled scripts do.
    /// </summary>
    public string? LocalUser { get; init; }
}
