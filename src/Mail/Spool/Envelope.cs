using System.Collections.Immutable;

namespace Exim.Mail.Spool;

/// <summary>What the -H file records besides the headers.</summary>
internal sealed record Envelope(
    string Sender,
    ImmutableArray<string> Recipients,
    DateTimeOffset Received,
    string? HeloName,
    string? HostAddress,
    int? HostPort,
    string? InterfaceAddress,
    int? InterfacePort,
    string Protocol,
    int BodyLineCount,
    int MaxReceivedLineLength)
{
    /// <summary>When the message was frozen on arrival (by a policy), or null.</summary>
    public DateTimeOffset? FrozenAt { get; init; }

    /// <summary>What the session's TLS negotiated (Exim's <c>-tls_*</c> lines), or null when it came in clear.</summary>
    public Abstractions.Scripting.TlsSessionInfo? Tls { get; init; }

    /// <summary>The authenticator that accepted the client (Exim's -host_auth), its public name (-host_auth_pubname), and the authenticated id (-auth_id).</summary>
    public (string Name, string PublicName, string? Id)? Authenticated { get; init; }

    /// <summary>
    /// The local user who submitted the message (Exim's originator login, uid and gid: the -H file's second line, with
    /// <c>-ident</c> and <c>-local</c>), or null for a message from the network.
    /// </summary>
    public (string Login, int Uid, int Gid)? Originator { get; init; }

    /// <summary>MAIL's AUTH= from the authenticated client (Exim's -auth_sender), or null.</summary>
    public string? AuthenticatedSender { get; init; }
}
