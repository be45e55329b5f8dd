using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Slots;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp;
using Exim.Mail.Smtp.Transport;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bh &lt;ip&gt;[.port]</c> (spec §4.2): an SMTP dialogue on stdin/stdout as if from that address, through
/// everything a real connection meets: the connection limits of the daemon plugin (with no other session running),
/// the reverse lookup, the accept hook, and the SMTP session itself. Lines that would be logged go to stderr as
/// <c>LOG: ...</c>; no log file and no spool is touched, and accepted messages are discarded. So an operator can try
/// a changed policy script before sending SIGHUP. The session runs on a loopback socket pair, so it is exactly the
/// daemon's session code, not a copy of it.
/// </summary>
internal static class HostCheckCommand
{
    public static async Task<int> RunAsync(CommandLine cl, Stream input, Stream output, TextWriter error)
    {
        if (!TryParseHost(cl.HostCheckAddress, 0, out var remote))
        {
            await error.WriteLineAsync($"exim: -bh: \"{cl.HostCheckAddress}\" is not an IP address (with an optional .port)").ConfigureAwait(false);
            return 1;
        }
        var local = new IPEndPoint(IPAddress.Loopback, 25);
        if (cl.InterfaceOverride is { } mi && !TryParseHost(mi, 25, out local))
        {
            await error.WriteLineAsync($"exim: -oMi: \"{mi}\" is not an IP address (with an optional .port)").ConfigureAwait(false);
            return 1;
        }

        await using var core = Core.Create(cl.ConfigPath, cl.Debug, logRouting: Log.LogRouting.HostChecking, quietLifecycle: true);
        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published) return ConfigErrors.Print(started.Errors, error);

        await using (var writer = new StreamWriter(output, leaveOpen: true) { NewLine = "\n" })
        {
            await writer.WriteLineAsync($"**** SMTP testing session as if from host {remote.Address}").ConfigureAwait(false);
            await writer.WriteLineAsync("**** but without any ident (RFC 1413) callback.").ConfigureAwait(false);
            await writer.WriteLineAsync("**** This is not for real!").ConfigureAwait(false);
            await writer.WriteLineAsync().ConfigureAwait(false);
        }

        using (var lease = core.Store.Acquire())
        {
            await RunSessionAsync(lease.Generation, core.LoggerFactory, core.Hints.RateLimiterFor(lease.Generation, readOnly: true), remote, local, input, output).ConfigureAwait(false);
        }
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        return 0;
    }

    private static async Task RunSessionAsync(Generation generation, ILoggerFactory loggers, Abstractions.Policy.IRateLimiter rateLimiter, IPEndPoint remote,
        IPEndPoint local, Stream input, Stream output)
    {
        var slots = new SlotTable(new ChildExitReporter(loggers.CreateLogger<ChildExitReporter>()), TimeProvider.System);
        var load = generation.SystemLoad(new ProcLoadAverage());
        var scratch = Directory.CreateTempSubdirectory("exim-bh-"); // the session's spool: messages are read, then dropped
        try
        {
            await using var spool = new FileSpool(scratch.FullName, TimeProvider.System, syncFilesystem: false);
            var sessionLogger = loggers.CreateLogger("Exim.Smtp");
            // Rates are read but never stored: a test session changes nothing.
            var services = SessionServices.For(generation, new HostCache(TimeProvider.System), sessionLogger, loggers.CreateLogger("Exim.Hooks"), rateLimiter);
            var settings = new SmtpSettings(generation.Config.Main, EximVersion.Number) { HostChecking = true, Authenticators = generation.Authenticators };
            // The daemon's own admission chain and session, on one end of a loopback socket pair as if from the given address.
            var handler = services.CreateHandler(generation, settings, spool, slots, load, sessionLogger);
            var (server, client) = StdioPump.SocketPair();
            using (client)
            {
                var pump = StdioPump.RunAsync(input, output, client);
                await handler.RunAsync(new SocketTransport(server), remote, local, CancellationToken.None).ConfigureAwait(false);
                await pump.ConfigureAwait(false);
            }
        }
        finally
        {
            try { scratch.Delete(recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Exim's <c>ip.port</c> form: the part after the last dot is a port when the whole is not an address.</summary>
    private static bool TryParseHost(string? text, int defaultPort, out IPEndPoint endPoint)
    {
        endPoint = new IPEndPoint(IPAddress.None, 0);
        if (string.IsNullOrEmpty(text)) return false;
        if (IPAddress.TryParse(text, out var whole))
        {
            endPoint = new IPEndPoint(whole, defaultPort);
            return true;
        }
        var dot = text.LastIndexOf('.');
        if (dot <= 0 || !IPAddress.TryParse(text[..dot], out var address)) return false;
        if (!int.TryParse(text[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535) return false;
        endPoint = new IPEndPoint(address, port);
        return true;
    }
}
