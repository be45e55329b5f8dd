using System.Net;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Transport;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp.Admission;

/// <summary>
/// The core's <see cref="AdmissionContext"/>: one connection from accept() to its close, as the admission chain and then
/// the session see it. What the chain learns (the slot, the client's verified name, the accept policy's queue) stays
/// here for the session.
/// </summary>
internal sealed class ConnectionContext : AdmissionContext
{
    private static readonly TimeSpan RefuseTimeout = TimeSpan.FromSeconds(5);
    private readonly Func<IHostNameLookups>? _lookups;
    private IHostNameLookups? _hostNames;
    private AcceptConnection? _description;

    public ConnectionContext(ISmtpTransport transport, IPEndPoint remote, IPEndPoint local, SmtpSettings settings, ISlotTable slots,
        ISystemLoad load, Func<IHostNameLookups>? lookups, ILogger logger, CancellationToken shutdownToken, TimeProvider? time = null)
    {
        Time = time ?? TimeProvider.System;
        Transport = transport;
        Remote = remote;
        Local = local;
        Settings = settings;
        Slots = slots;
        Load = load;
        _lookups = lookups;
        Logger = logger;
        ShutdownToken = shutdownToken;
        ClientIp = Client.ToString();
        Who = $"[{ClientIp}]";
    }

    /// <summary>The byte stream: the socket's, or the TLS one once TLS is up (see <see cref="Tls.TlsHandshake"/>).</summary>
    public ISmtpTransport Transport { get; set; }

    /// <summary>The clock deadlines are measured on.</summary>
    public TimeProvider Time { get; }
    public override IPEndPoint Remote { get; }
    public override IPEndPoint Local { get; }
    public override ISlotTable Slots { get; }
    public override ISystemLoad Load { get; }
    public override CancellationToken ShutdownToken { get; }
    public override IHostNameLookups? HostNames => _hostNames ??= _lookups?.Invoke();

    public SmtpSettings Settings { get; }
    public ILogger Logger { get; }

    /// <summary>The client's address as text.</summary>
    public string ClientIp { get; }

    /// <summary><c>[ip]</c>, as Exim names a client before anything else is known.</summary>
    public string Who { get; }

    /// <summary>The slot id (Exim's connection id), or "-" before a slot is taken.</summary>
    public string Id => Slot?.Slot.Id ?? "-";

    /// <summary>The client's forward-confirmed host name when host_lookup matched it and the lookup succeeded.</summary>
    public string? HostName { get; set; }

    /// <summary>
    /// For <c>exim -bs</c>: the local user whose SMTP dialogue this is (then the protocol is <c>local-smtp</c> and so on,
    /// the Received header and the <c>&lt;=</c> line name the user, and Exim's rules for a local sender apply); null for a
    /// network client.
    /// </summary>
    public Submission.LocalCaller? LocalUser { get; init; }

    /// <summary>Whether the admission chain let the connection through to its SMTP session (counted in the metrics).</summary>
    public bool SessionStarted { get; set; }

    /// <summary>The connection's side of the generation's stage policies, or null when the generation has none.</summary>
    public Policy.PolicySession? Policy { get; set; }

    /// <summary>
    /// The connection as policies and scripts see it (built once, after the reverse lookup). STARTTLS and AUTH set its
    /// <c>TlsSession</c>, <c>AuthenticatedId</c> and <c>Authenticator</c> with <see cref="Describe"/>.
    /// </summary>
    public AcceptConnection Description => _description ??= new AcceptConnection(Client, Remote.Port,
        Local.Address.IsIPv4MappedToIPv6 ? Local.Address.MapToIPv4() : Local.Address, Local.Port, HostName, Id) { LocalUser = LocalUser?.Login };

    /// <summary>Replaces <see cref="Description"/>, e.g. <c>Describe(Description with { TlsSession = info })</c> after a TLS handshake.</summary>
    public void Describe(AcceptConnection description) => _description = description;

    /// <summary>The daemon's connection counts when the slot was taken.</summary>
    public ConnectionCounts Counts => new(Slot?.CountAtOpen ?? 1, Slot?.HostCountAtOpen ?? 1);

    /// <summary>Exim's host description before HELO: <c>name [ip]</c>, or <c>[ip]</c>.</summary>
    public string Host => HostName is null ? Who : $"{HostName} {Who}";

    /// <summary>
    /// Matches the client against a host list, looking names up (once per connection) only when the list has name
    /// items; a lookup that takes too long defers, as a DNS timeout does.
    /// </summary>
    public async ValueTask<HostListMatch> MatchAsync(HostList list)
    {
        if (!list.HasNameItems) return list.Matches(Remote.Address) ? HostListMatch.Match : HostListMatch.NoMatch;
        try
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ShutdownToken);
            cts.CancelAfter(SmtpSettings.LookupTimeout);
            return await list.MatchAsync(Remote.Address, HostName, HostNames, cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return HostListMatch.Defer;
        }
    }

    public override async Task RefuseAsync(string reply)
    {
        try
        {
            using var cts = new CancellationTokenSource(RefuseTimeout);
            await Transport.SendAsync(Text.ClientText.GetBytes(reply + "\r\n"), cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client is gone or not reading.
        }
        Transport.Shutdown();
    }
}
