using System.Net.Sockets;
using System.Text;
using Exim.Host.Configuration;
using Exim.Host.Delivery;
using Exim.Host.Security;
using Exim.Host.Submission;
using Exim.Mail.Delivery;
using Exim.Mail.Native;
using Exim.Mail.Spool;
using Exim.Mail.Submission;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bm</c>, <c>exim [options] address...</c>, <c>sendmail</c>: reads a message on stdin (a line with a single dot
/// ends it unless <c>-i</c>/<c>-oi</c>) and hands it, with the options, to the daemon's submission socket, which receives
/// it as the caller (its peer credentials say who that is) and replies once it is durable. Whoever answers on the socket
/// must be the mail system (root, the Exim user, or with exim_user unset the spool directory's owner, by the socket's
/// peer credentials): the socket's name is not a permission, and another user could have bound it first. When no
/// daemon answers, or an impostor does, a caller who may write the spool (root, the Exim user) receives it here, through
/// the same code; anyone else gets an error and sendmail's EX_TEMPFAIL (75), with stdin left unread, so the caller
/// knows nothing was sent. Exit codes: 0 accepted, 1 refused (bad address, no recipients, too big), 75 try again later.
/// </summary>
internal static class SubmitCommand
{
    /// <summary>sendmail's EX_TEMPFAIL.</summary>
    public const int TempFail = 75;

    /// <summary>The longest the daemon may leave a write of the message unread (it reads as it spools).</summary>
    private static readonly TimeSpan WriteStall = TimeSpan.FromMinutes(2);

    /// <summary>The longest the reply may take once the message is sent: its spooling, or with -odi its delivery attempt.</summary>
    private static TimeSpan ReplyTimeout(SubmissionDelivery delivery) => delivery == SubmissionDelivery.Interactive ? TimeSpan.FromMinutes(30) : TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(CommandLine cl, Stream stdin, TextWriter error)
    {
        if (!cl.ExtractRecipients && cl.Arguments.IsEmpty)
        {
            await error.WriteLineAsync("exim: no recipients given (give addresses as arguments, or -t to take them from the headers)").ConfigureAwait(false);
            return 1;
        }
        var request = new SubmissionRequest(SubmissionMode.Message, cl.SubmitSender, cl.SubmitFullName, cl.ExtractRecipients, cl.Arguments, cl.Delivery)
            .Validated(out var bad);
        if (request is null)
        {
            await error.WriteLineAsync($"exim: {bad}").ConfigureAwait(false);
            return 1;
        }
        var (socket, exit) = await ConnectAsync(cl, error).ConfigureAwait(false);
        if (socket is null) return exit ?? await ReceiveHereAsync(cl, request, stdin, error).ConfigureAwait(false);
        using var owned = socket;

        SubmissionOutcome outcome;
        try
        {
            var stream = new IdleTimeoutStream(new NetworkStream(socket, ownsSocket: false), WriteStall, CancellationToken.None);
            await using (stream.ConfigureAwait(false))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(request.Format())).ConfigureAwait(false);
                await SubmissionBody.WriteAsync(new LocalInputStream(stdin, cl.DotEnds), stream).ConfigureAwait(false);
            }
            using var timeout = new CancellationTokenSource(ReplyTimeout(request.Delivery));
            await using var replies = new NetworkStream(socket, ownsSocket: false);
            using var reader = new StreamReader(replies, Encoding.UTF8);
            outcome = SubmissionOutcome.Parse(await reader.ReadLineAsync(timeout.Token).ConfigureAwait(false));
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            outcome = SubmissionOutcome.Temporary($"the daemon's submission socket failed: {e.Message}");
        }
        catch (OperationCanceledException)
        {
            outcome = SubmissionOutcome.Temporary("the daemon did not answer in time; the message may or may not have been accepted");
        }
        return await ReportAsync(outcome, error).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>exim -bs</c>: an SMTP dialogue on stdin and stdout, run by the daemon's session code for this user through the
    /// submission socket (or in this process, for a caller who may write the spool, when no daemon answers).
    /// </summary>
    public static async Task<int> RunSmtpAsync(CommandLine cl, Stream stdin, Stream stdout, TextWriter error)
    {
        var request = new SubmissionRequest(SubmissionMode.Smtp, null, null, false, [], cl.Delivery);
        var (socket, exit) = await ConnectAsync(cl, error).ConfigureAwait(false);
        if (socket is null) return exit ?? await SmtpHereAsync(cl, request, stdin, stdout, error).ConfigureAwait(false);
        using (socket)
        {
            try
            {
                await socket.SendAsync(Encoding.UTF8.GetBytes(request.Format()), SocketFlags.None).ConfigureAwait(false);
                await StdioPump.RunAsync(stdin, stdout, socket).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                await error.WriteLineAsync($"exim: the daemon's submission socket failed: {e.Message}").ConfigureAwait(false);
                return TempFail;
            }
        }
        return 0;
    }

    /// <summary>
    /// The daemon's submission socket, connected and answered by the mail system; else null with null (receive in this
    /// process: the caller may write the spool) or with the exit code after the error was printed.
    /// </summary>
    private static async Task<(Socket? Socket, int? Exit)> ConnectAsync(CommandLine cl, TextWriter error)
    {
        var loaded = TomlConfigLoader.Load(cl.ConfigPath);
        if (!loaded.Succeeded) return (null, ConfigErrors.Print(loaded.Errors, error));
        var main = loaded.Config.Config.Main;
        var name = SubmissionSocket.Name(main);
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        string problem;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await socket.ConnectAsync(SubmissionSocket.EndPoint(name), timeout.Token).ConfigureAwait(false);
            if (Impostor(socket, main, loaded.Config.AtMainOption) is not { } impostor) return (socket, null);
            problem = $"its submission socket {name} is answered by someone else ({impostor}), so it was not used";
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            problem = $"its submission socket {name} does not answer ({e.Message})";
        }
        socket.Dispose();
        if (Posix.RealUid == 0 || Posix.CanWriteDirectory(Path.Combine(main.SpoolDirectory, "input"))) return (null, null);
        await error.WriteLineAsync($"exim: cannot hand the message to the daemon: {problem}, "
            + "and this user may not write the spool; the message was not accepted: try again once exim -bd runs").ConfigureAwait(false);
        return (null, TempFail);
    }

    /// <summary>
    /// Null when the process answering on <paramref name="socket"/> runs as root, the Exim user, or (exim_user unset)
    /// the spool directory's owner; else who it is. Anything else bound the socket's name first (the abstract namespace
    /// has no permissions; a path can be squatted while the daemon restarts) and would take the user's mail.
    /// </summary>
    private static string? Impostor(Socket socket, Exim.Abstractions.Config.MainOptions main, Func<string, string, Exim.Abstractions.Config.ConfigDiagnostic> at)
    {
        try
        {
            var peer = Posix.PeerCredentialsOf(socket);
            if (peer.Uid == 0) return null;
            var (expected, who) = EximIdentity.From(main, at) is { } exim
                ? (exim.Uid, $"the Exim user {exim.User}")
                : (Posix.OwnerOf(main.SpoolDirectory).Uid, $"the owner of {main.SpoolDirectory}");
            return peer.Uid == expected ? null : $"pid {peer.Pid} uid {peer.Uid}, neither root nor {who} (uid {expected})";
        }
        catch (Exim.Abstractions.Config.EximConfigException e)
        {
            return $"cannot tell who the mail system is: {e.Diagnostic.Message}";
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return $"cannot check it: {e.Message}";
        }
    }

    private static async Task<int> ReportAsync(SubmissionOutcome outcome, TextWriter error)
    {
        if (outcome.Accepted) return 0;
        await error.WriteLineAsync($"exim: message not accepted: {outcome.Text}").ConfigureAwait(false);
        return outcome.Code is >= 400 and < 500 ? TempFail : 1;
    }

    /// <summary>
    /// No daemon: the caller is who started this process; a root caller then becomes the Exim user (exim_user) before
    /// it touches the spool, so the files it makes are that user's and the daemon can later deliver and remove them.
    /// </summary>
    private static (CallerIdentity? Caller, string? Failed) BecomeSpoolWriter(CommandLine cl)
    {
        var identity = CallerIdentity.Invoker;
        return PrivilegeDrop.ForCommand(cl.ConfigPath) is { } failed ? (null, failed) : (identity, null);
    }

    /// <summary>The submitting user (recorded before any privilege drop) as Exim's originator.</summary>
    private static LocalCaller Caller(Generations.Generation generation, CallerIdentity identity)
        => LocalCallers.Of(identity, OperatorRoles.From(generation.Config.Main, generation.Loaded.AtMainOption));

    /// <summary>
    /// No daemon, -bs: the session in this process on a socket pair; each message it takes is delivered (as -od says)
    /// once the dialogue has ended.
    /// </summary>
    private static Task<int> SmtpHereAsync(CommandLine cl, SubmissionRequest request, Stream stdin, Stream stdout, TextWriter error)
        => HereAsync(cl, error, async (generation, caller, spool, policies, logger) =>
        {
            var received = new List<MessageRef>();
            var (server, client) = StdioPump.SocketPair();
            using (client)
            {
                var pump = StdioPump.RunAsync(stdin, stdout, client);
                await LocalSmtpSession.RunAsync(generation, caller, server, spool,
                    request.Delivery == SubmissionDelivery.QueueOnly ? null : m => { received.Add(m); return null; },
                    policies, logger, CancellationToken.None).ConfigureAwait(false);
                server.Dispose();
                await pump.ConfigureAwait(false);
            }
            return (received, () => Task.FromResult(0));
        });

    /// <summary>No daemon: receive into the spool in this process (the caller may write it), then deliver as -od says.</summary>
    private static Task<int> ReceiveHereAsync(CommandLine cl, SubmissionRequest request, Stream stdin, TextWriter error)
        => HereAsync(cl, error, async (generation, caller, spool, policies, logger) =>
        {
            var main = generation.Config.Main;
            var reception = new LocalReception(main, EximVersion.Number, spool, TimeProvider.System, logger)
            {
                NotSmtp = LocalConnection.NotSmtp(generation, policies, logger, CancellationToken.None),
            };
            var outcome = await reception.ReceiveAsync(caller, request, new LocalInputStream(stdin, cl.DotEnds), CancellationToken.None).ConfigureAwait(false);
            // Background delivery has no daemon to run in: it happens here, before the command returns.
            var deliver = request.Delivery is SubmissionDelivery.Interactive or SubmissionDelivery.Background
                || (request.Delivery == SubmissionDelivery.Default && !main.QueueOnly);
            IReadOnlyList<MessageRef> toDeliver = outcome.Message is { } message && deliver && !outcome.HoldDelivery ? [message] : [];
            return (toDeliver, () => ReportAsync(outcome, error));
        });

    /// <summary>
    /// The frame both in-process paths share: become the spool writer (noting the caller first), start a delivery
    /// process on the configuration, receive with <paramref name="receive"/> into the spool (with the generation's stage
    /// policies, as the daemon would), then deliver what it returns (when there are routers) and answer with its exit code.
    /// </summary>
    private static async Task<int> HereAsync(CommandLine cl, TextWriter error,
        Func<Generations.Generation, LocalCaller, FileSpool, Exim.Mail.Smtp.Policy.PolicyServices?, Microsoft.Extensions.Logging.ILogger,
            Task<(IReadOnlyList<MessageRef> Deliver, Func<Task<int>> Exit)>> receive)
    {
        var (identity, dropFailed) = BecomeSpoolWriter(cl);
        if (identity is null)
        {
            await error.WriteLineAsync(dropFailed).ConfigureAwait(false);
            return 1;
        }
        var (core, process) = await DeliveryProcess.StartAsync(cl.ConfigPath, cl.Debug, error).ConfigureAwait(false);
        await using (core)
        {
            if (process is null) return 1;
            await using (process)
            {
                var generation = core.Store.Current;
                var main = generation.Config.Main;
                (IReadOnlyList<MessageRef> Deliver, Func<Task<int>> Exit) result;
                await using (var spool = new FileSpool(main.SpoolDirectory, TimeProvider.System, main.SpoolSync == "filesystem", main.SplitSpoolDirectory))
                {
                    var logger = core.LoggerFactory.CreateLogger("Exim.Submission");
                    var policies = Lifetime.SessionServices.For(generation, new Exim.Mail.Resolution.HostCache(TimeProvider.System), logger,
                        core.LoggerFactory.CreateLogger("Exim.Hooks"), core.Hints.RateLimiterFor(generation)).Policies;
                    result = await receive(generation, Caller(generation, identity), spool, policies, logger).ConfigureAwait(false);
                }
                if (!generation.Config.Routers.IsEmpty)
                {
                    foreach (var message in result.Deliver)
                    {
                        await process.Deliverer.DeliverAsync(message, DeliveryOptions.QueueRun, CancellationToken.None).ConfigureAwait(false);
                    }
                }
                await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                return await result.Exit().ConfigureAwait(false);
            }
        }
    }
}
