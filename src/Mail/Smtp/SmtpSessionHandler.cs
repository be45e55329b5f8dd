using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// The core's <see cref="ISmtpSessionHandler"/> for one generation: its settings, the shared spool, and the name
/// lookups for each connection (the client's reverse lookup, and forward lookups of names in host lists; null when no
/// DNS resolver is loaded), the accept hook (null when none is configured), and
/// immediate delivery (null: received messages only wait for a queue run).
/// </summary>
internal sealed class SmtpSessionHandler(MainOptions main, string version, FileSpool spool, ISystemLoad load, TimeProvider time, ILogger logger,
    Func<System.Net.IPAddress, CancellationToken, Task<Resolution.ReverseLookupResult>>? reverseLookup = null,
    Func<string, CancellationToken, Task<Abstractions.Resolution.AddressLookup>>? forwardLookup = null,
    IConnectionPolicy? policy = null,
    Func<MessageRef, string?>? deliverNow = null)
    : ISmtpSessionHandler
{
    private readonly SmtpSettings _settings = new(main, version);

    public async Task<SessionResult> RunAsync(SmtpConnection connection, CancellationToken shutdownToken)
    {
        var hostNames = reverseLookup is null ? null : new Resolution.ConnectionHostNames(reverseLookup, forwardLookup);
        using var session = new SmtpSession(_settings, spool, logger, time, load, connection, shutdownToken, hostNames, policy, deliverNow);
        return await session.RunAsync().ConfigureAwait(false);
    }
}
