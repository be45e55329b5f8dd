using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Smtp;

/// <summary>
/// The core's <see cref="ISmtpSessionHandler"/> for one generation: its settings, the shared spool, and the reverse
/// lookup of clients (null when no DNS resolver is loaded), and where a message goes for immediate delivery (null: it waits for a queue run).
/// </summary>
internal sealed class SmtpSessionHandler(MainOptions main, string version, FileSpool spool, ISystemLoad load, TimeProvider time, ILogger logger,
    Func<System.Net.IPAddress, CancellationToken, Task<Resolution.ReverseLookupResult>>? reverseLookup = null, Action<string>? deliverNow = null)
    : ISmtpSessionHandler
{
    private readonly SmtpSettings _settings = new(main, version);

    public async Task<SessionResult> RunAsync(SmtpConnection connection, CancellationToken shutdownToken)
    {
        using var session = new SmtpSession(_settings, spool, logger, time, load, connection, shutdownToken, reverseLookup, deliverNow);
        return await session.RunAsync().ConfigureAwait(false);
    }
}
