using System.Text.Json;
using Exim.Abstractions.Queue;
using Exim.Host.Cli;
using Exim.Host.Delivery;
using Exim.Host.Generations;
using Exim.Host.Listeners;
using Exim.Host.Queue;
using Exim.Host.Slots;
using Exim.Mail.Native;
using Exim.Mail.Resolution;
using Exim.Mail.Spool;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Control;

/// <summary>
/// What the control socket's requests do to the daemon: status, reload (answering whether the new generation was
/// published, with the errors when it was refused), a queue run now, pause and resume accepting, drain. Built once by
/// the daemon from the parts it already owns.
/// </summary>
internal sealed partial class DaemonControl(
    GenerationStore store,
    ConfigReloader reloader,
    ListenerSet listeners,
    SlotTable slots,
    QueueRunnerProcesses runners,
    HostCache hostCache,
    Action drain,
    ILogger logger)
{
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private int _draining;

    /// <summary>The processes registered over the socket.</summary>
    public RegisteredProcesses Registered { get; } = new();

    /// <summary>
    /// Whether a registered process may report deliveries under <paramref name="transport"/>: a transport of the current
    /// configuration, or "" (routing outcomes), so a peer cannot make the metrics grow without end.
    /// </summary>
    public bool IsReportable(string transport) => transport.Length == 0 || store.Current.Config.Transports.Any(t => t.Name == transport);

    /// <summary>The daemon's immediate delivery, once it exists.</summary>
    public ImmediateDelivery? Immediate { get; set; }

    /// <summary>The daemon's exiwhat line (<c>daemon(4.96): no queue runs, listening for SMTP on ...</c>).</summary>
    public string DaemonLine { get; set; } = "daemon";

    /// <summary>smtp_accept_max as configured and as the file descriptors let it apply (the current generation's).</summary>
    public Slots.SessionCapacity Capacity { get; set; }

    public bool Draining => Volatile.Read(ref _draining) != 0;

    public async Task<byte[]> HandleAsync(ControlRequest request, PeerCredentials peer)
    {
        switch (request.Name)
        {
            case ControlProtocol.Status:
                return request.Arguments.IsEmpty ? ControlReply.Ok(WriteStatus) : ControlReply.Error("status takes no arguments");
            case ControlProtocol.Reload:
                if (!request.Arguments.IsEmpty) return ControlReply.Error("reload takes no arguments");
                ControlLog.Requested(logger, "reload", peer.Pid, peer.Uid);
                return Answer(await reloader.RequestReload(ReloadReason.Signal).ConfigureAwait(false));
            case ControlProtocol.QueueRun:
                return QueueRun(request, peer);
            case ControlProtocol.Pause or ControlProtocol.Resume:
                if (!request.Arguments.IsEmpty) return ControlReply.Error($"{request.Name} takes no arguments");
                var pause = request.Name == ControlProtocol.Pause;
                var changed = pause ? listeners.Gate.Pause() : listeners.Gate.Resume();
                if (changed) ControlLog.Accepting(logger, pause ? "paused" : "resumed", peer.Pid, peer.Uid);
                return ControlReply.Ok(w =>
                {
                    w.WriteBoolean("accepting", !listeners.Gate.IsPaused);
                    w.WriteBoolean("changed", changed);
                });
            case ControlProtocol.Drain:
                if (!request.Arguments.IsEmpty) return ControlReply.Error("drain takes no arguments");
                var first = Interlocked.Exchange(ref _draining, 1) == 0;
                if (first) ControlLog.Drain(logger, Environment.ProcessId, peer.Pid, peer.Uid);
                var sessions = slots.Count;
                var timeout = store.Current.Config.Main.DaemonDrainTimeout;
                if (first) drain();
                return ControlReply.Ok(w =>
                {
                    w.WriteNumber("sessions", sessions);
                    w.WriteNumber("drain_timeout", (long)timeout.TotalSeconds);
                });
            default:
                return ControlReply.Error($"unknown request \"{request.Name}\" (known: {string.Join(", ", ControlProtocol.Requests)})");
        }
    }

    private static byte[] Answer(ReloadOutcome outcome) => outcome.Status switch
    {
        ReloadStatus.Rejected => ControlReply.Error($"configuration rejected: generation {outcome.Generation} stays in force",
            outcome.Errors.Select(e => e.ToString())),
        _ => ControlReply.Ok(w =>
        {
            w.WriteString("result", outcome.Status == ReloadStatus.Published ? "published" : "unchanged");
            w.WriteNumber("generation", outcome.Generation);
        }),
    };

    /// <summary><c>queue-run [-q...[G&lt;name&gt;]] [&lt;message id&gt;]</c>: one runner now, as the daemon starts its periodic ones.</summary>
    private byte[] QueueRun(ControlRequest request, PeerCredentials peer)
    {
        var spec = new QueueRunSpec(null, TimeSpan.Zero, QueueRunFlags.None);
        string? id = null;
        foreach (var a in request.Arguments)
        {
            if (a.StartsWith("-q", StringComparison.Ordinal))
            {
                if (!CommandLineParser.TryParseQueueRun(a, out spec) || spec.Interval != TimeSpan.Zero)
                    return ControlReply.Error($"malformed queue run option {a} (a one-off run: -q[q][i][f[f]][l][G<name>])");
                if (spec.QueueName is { } name && !QueueNames.IsValid(name, out var why)) return ControlReply.Error($"{why}: {a}");
            }
            else if (MessageId.IsValid(a) && id is null) id = a;
            else return ControlReply.Error($"queue-run takes a -q option and a message id, not \"{a}\"");
        }
        if (Draining) return ControlReply.Error("the daemon is draining");
        var arguments = QueueRunnerProcesses.Flags(spec) + (id is null ? "" : $" {id}");
        ControlLog.QueueRunTriggered(logger, arguments, peer.Pid, peer.Uid);
        var max = store.Current.Config.Main.QueueRunMax;
        if (!runners.TryStart(spec, max, id, out var pid))
            return ControlReply.Error($"queue run not started: {(max > 0 && runners.Total >= max ? $"queue_run_max ({max}) runners are already running" : "the runner could not be started")}");
        return ControlReply.Ok(w =>
        {
            w.WriteNumber("pid", pid);
            w.WriteString("arguments", arguments);
        });
    }

    private static void WriteAge(Utf8JsonWriter w, DateTimeOffset since, DateTimeOffset now)
    {
        w.WriteString("started", since.ToUniversalTime().ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        w.WriteNumber("age", (long)Math.Max(0, (now - since).TotalSeconds));
    }
}
