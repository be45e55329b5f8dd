using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Benchmarks;

/// <summary>
/// Large queues and the delivery rate, with real processes against Postfix's <c>smtp-sink</c> (.tools/postfix):
/// <list type="bullet">
/// <item><c>queue-scale [N] [split]</c>: fills a spool with N 1 KB messages written straight through the spool writer
/// (<see cref="FileSpool"/>, group commit; no SMTP), then times <c>exim -bpc</c> and <c>exim -bp</c> (peak RSS of each), the
/// start of an <c>exim -qf</c> run (process start to the first message at the sink) and the whole drain (first to last
/// message at the sink), sampling the runner's RSS as it goes and taking its CPU seconds.</item>
/// <item><c>drain [N] [rounds] [--exe PATH] [--env NAME=VALUE]... [main options]</c>: N queued 1 KB messages (each with the
/// message log SMTP reception leaves) drained by <c>exim -qf</c> to smtp-sink, rounds times: messages/s from first to last
/// message at the sink, wall time including the process start, CPU seconds per message, and the connections the run
/// opened. <c>--exe</c> runs an installed executable (the package's composite ReadyToRun host, e.g. the stage directory of
/// deploy/build-deb.sh) instead of <c>dotnet exim.dll</c>; <c>--env</c> adds to its environment (runtime knobs).</item>
/// </list>
/// Run under <c>flock /work/bench.lock</c>.
/// </summary>
internal static class QueueBench
{
    private const int Size = 1024;
    private static readonly string Tools = Path.Combine(RepoPaths.Root, ".tools", "postfix");

    public static async Task<int> ScaleAsync(int messages, bool split)
    {
        await using var sink = await Sink.StartAsync();
        using var dir = new TempDirectory();
        var config = WriteConfig(dir, sink.Port, split, []);
        var filled = Stopwatch.StartNew();
        await FillAsync(dir.Combine("spool"), messages, split);
        Console.WriteLine($"filled {messages:N0} messages of 1 KB{(split ? " (split_spool_directory)" : "")} in {filled.Elapsed.TotalSeconds:F1}s");

        foreach (var option in new[] { "-bpc", "-bp" })
        {
            var (seconds, maxRss, user, system) = await TimedAsync(dir, config, option);
            Console.WriteLine($"exim {option} on {messages:N0}: {seconds:F2}s, peak RSS {maxRss / 1024.0:F0} MB, CPU {user + system:F2}s");
        }
        var run = await DrainAsync(dir, config, sink, messages, "-qf");
        Console.WriteLine(run.Describe(messages));
        return run.Delivered == messages ? 0 : 1;
    }

    public static async Task<int> DrainRoundsAsync(int messages, int rounds, IReadOnlyList<string> arguments)
    {
        string? executable = null;
        var environment = new Dictionary<string, string?>();
        var extraOptions = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            switch (arguments[i])
            {
                case "--exe" when i + 1 < arguments.Count:
                    executable = Path.GetFullPath(arguments[++i]);
                    break;
                case "--env" when i + 1 < arguments.Count && arguments[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
                    var setting = arguments[++i];
                    environment[setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
                    break;
                default:
                    extraOptions.Add(arguments[i]);
                    break;
            }
        }
        await using var sink = await Sink.StartAsync();
        var failed = 0;
        for (var round = 0; round < rounds; round++)
        {
            using var dir = new TempDirectory();
            var config = WriteConfig(dir, sink.Port, split: false, extraOptions);
            await FillAsync(dir.Combine("spool"), messages, split: false);
            var run = await DrainAsync(dir, config, sink, messages, "-qf", executable, environment);
            Console.WriteLine($"round {round + 1}: " + run.Describe(messages));
            if (run.Delivered != messages) failed++;
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// <c>queue-fill dir N sinkPort [split]</c>: leaves a configuration and a spool of N queued messages in <paramref name="directory"/>
    /// for profiling a run by hand (<c>perf record -g</c>, <c>strace -c -f</c> on <c>exim -C dir/exim.toml -qf</c>).
    /// </summary>
    public static async Task<int> FillOnlyAsync(string directory, int messages, int sinkPort, bool split)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "exim.toml");
        File.WriteAllText(path, DeliveryBench.Config(sinkPort, queueOnly: true, $"split_spool_directory = {(split ? "true" : "false")}"));
        await FillAsync(Path.Combine(directory, "spool"), messages, split);
        Console.WriteLine(path);
        return 0;
    }

    private static string WriteConfig(TempDirectory dir, int sinkPort, bool split, IReadOnlyList<string> extraOptions)
    {
        var path = dir.Combine("exim.toml");
        File.WriteAllText(path, DeliveryBench.Config(sinkPort, queueOnly: true,
            $"split_spool_directory = {(split ? "true" : "false")}\n" + string.Join("\n", extraOptions)));
        return path;
    }

    /// <summary>Writes <paramref name="count"/> 1 KB messages into the spool with the spool writer, many commits in flight.</summary>
    private static async Task FillAsync(string spoolDirectory, int count, bool split)
    {
        var body = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat(new string('x', 78) + "\n", Size / 79)));
        string[] headers = ["Subject: bench\n", "From: bench@bench.example\n", "To: rcpt@remote.example\n"];
        await using var spool = new FileSpool(spoolDirectory, TimeProvider.System, syncFilesystem: true, split);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 256).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var message = spool.Create();
                await message.Data.WriteAsync(body);
                var envelope = new Envelope("bench@bench.example", ImmutableArray.Create("rcpt@remote.example"), DateTimeOffset.UtcNow,
                    "bench.example", "127.0.0.1", 4000, "127.0.0.1", 25, "esmtp", Size / 79, 78);
                await spool.CommitAsync(message, envelope, headers, CancellationToken.None);
                // What SMTP reception leaves beside a message (message_logs): its log with the Received line, so a delivery
                // appends to it as in a daemon's spool, instead of creating it.
                if (MessageLog.Append(message.InputDirectory, message.Id, DateTime.Now,
                    $"Received from <bench@bench.example> H=(bench.example) [127.0.0.1] P=esmtp S={Size}") is { } failed) throw failed;
            }
        })));
    }

    /// <summary>Runs exim with its output thrown away, under /usr/bin/time: wall seconds, peak RSS (KB), user and system CPU seconds.</summary>
    private static async Task<(double Seconds, long MaxRssKb, double User, double System)> TimedAsync(TempDirectory dir, string config, string option)
    {
        var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = dir.Path };
        foreach (var a in new[] { "-f", "TIME %e %M %U %S", "sh", "-c", "exec dotnet \"$0\" -C \"$1\" \"$2\" > /dev/null", RepoPaths.EximDll, config, option })
        {
            psi.ArgumentList.Add(a);
        }
        using var process = Process.Start(psi)!;
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = stderr.Split('\n').Last(l => l.StartsWith("TIME ", StringComparison.Ordinal)).Split(' ');
        return (Double(line[1]), long.Parse(line[2], CultureInfo.InvariantCulture), Double(line[3]), Double(line[4]));
    }

    private static double Double(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>
    /// One queue run delivering the spool to the sink: from the process start to the first message at the sink, first to last
    /// message there, the runner's RSS sampled every 100 ms, and its CPU seconds (utime+stime from /proc at its last sample).
    /// </summary>
    private static async Task<DrainResult> DrainAsync(TempDirectory dir, string config, Sink sink, int expected, string flag, string? executable = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (before, sessionsBefore) = (sink.Count, sink.Sessions);
        var (reapedBefore, sinkBefore) = (ReapedCpuSeconds(), sink.CpuSeconds);
        var started = Stopwatch.GetTimestamp();
        await using var exim = executable is null
            ? EximProcess.Start(dir.Path, null, environment, null, "-C", config, flag)
            : EximProcess.StartExecutable(executable, dir.Path, environment, "-C", config, flag);
        var rss = new List<long>();
        double cpu = 0;
        while (!exim.HasExited)
        {
            if (ProcStatus(exim.Pid) is { } sample)
            {
                rss.Add(sample.RssKb);
                cpu = sample.CpuSeconds;
            }
            await Task.Delay(100);
        }
        var ended = Stopwatch.GetTimestamp();
        var deadline = Stopwatch.StartNew();
        while (sink.Count - before < expected && deadline.Elapsed < TimeSpan.FromSeconds(2)) await Task.Delay(10);
        var (first, last) = sink.Span(before);
        if (exim.ExitCode != 0) Console.WriteLine(exim.Stderr);
        // The whole process's CPU once it is reaped (the samples above miss its last 100 ms), and the sink's share of the run.
        cpu = Math.Max(cpu, ReapedCpuSeconds() - reapedBefore);
        var sinkCpu = sink.CpuSeconds - sinkBefore;
        return new DrainResult(sink.Count - before, Stopwatch.GetElapsedTime(started, ended), first is { } f ? Stopwatch.GetElapsedTime(started, f) : null,
            first is { } a && last is { } b ? Stopwatch.GetElapsedTime(a, b) : null, rss, cpu, sink.Sessions - sessionsBefore, sinkCpu);
    }

    /// <summary>CPU seconds of this process's children that have been waited for (cutime+cstime): an exited exim counts whole.</summary>
    private static double ReapedCpuSeconds() => CpuFields("self", 13);

    /// <summary>
    /// Two consecutive CPU fields of /proc/<paramref name="pid"/>/stat in seconds, counted from the state field (11: utime+stime,
    /// 13: cutime+cstime); 0 once the process is gone.
    /// </summary>
    private static double CpuFields(string pid, int first)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[first], CultureInfo.InvariantCulture) + long.Parse(fields[first + 1], CultureInfo.InvariantCulture)) / 100.0;
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return 0;
        }
    }

    /// <summary>VmRSS (KB) and utime+stime (seconds) of a live process, or null once it is gone.</summary>
    private static (long RssKb, double CpuSeconds)? ProcStatus(int pid)
    {
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            var rss = status.FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return rss is null ? null : (long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture), ticks / 100.0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private sealed record DrainResult(int Delivered, TimeSpan Wall, TimeSpan? FirstAfter, TimeSpan? FirstToLast, List<long> RssKb, double CpuSeconds, int Connections,
        double SinkCpuSeconds)
    {
        public string Describe(int expected)
        {
            var rate = FirstToLast is { TotalSeconds: > 0 } span ? Delivered / span.TotalSeconds : 0;
            var quarters = RssKb.Count == 0 ? "" : string.Join(" / ", Enumerable.Range(1, 4).Select(q => $"{RssKb[Math.Min(RssKb.Count - 1, RssKb.Count * q / 4)] / 1024.0:F0}"));
            return $"exim -qf: {Delivered:N0}/{expected:N0} delivered; first at the sink {FirstAfter?.TotalSeconds:F2}s after the start; "
                + $"first to last {FirstToLast?.TotalSeconds:F2}s = {rate:N0} msg/s; wall {Wall.TotalSeconds:F2}s = {Delivered / Wall.TotalSeconds:N0} msg/s; "
                + $"CPU {CpuSeconds:F2}s = {CpuSeconds * 1e6 / Math.Max(1, Delivered):F0} µs/msg (the sink {SinkCpuSeconds * 1e6 / Math.Max(1, Delivered):F0}); {Connections} connections; RSS MB at each quarter {quarters}, peak {(RssKb.Count == 0 ? 0 : RssKb.Max()) / 1024.0:F0}";
        }
    }

    /// <summary>Postfix's smtp-sink on a free loopback port, its running counter (<c>-c</c>) read with a timestamp per message.</summary>
    internal sealed class Sink : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly List<long> _arrivals = [];
        private readonly Task _reader;
        private int _sessions;

        private Sink(Process process, int port)
        {
            (_process, Port) = (process, port);
            _reader = Task.Run(ReadAsync);
        }

        public int Port { get; }

        public int Count { get { lock (_arrivals) return _arrivals.Count; } }

        /// <summary>The sink's CPU seconds so far (utime+stime).</summary>
        public double CpuSeconds => CpuFields(_process.Id.ToString(CultureInfo.InvariantCulture), 11);

        /// <summary>Connections the sink has accepted so far (its <c>sess=</c> counter).</summary>
        public int Sessions { get { lock (_arrivals) return _sessions; } }

        public static async Task<Sink> StartAsync()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var psi = new ProcessStartInfo(Path.Combine(Tools, "smtp-sink")) { RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { "-c", "-u", "nobody", $"127.0.0.1:{port}", "1024" }) psi.ArgumentList.Add(a);
            var sink = new Sink(Process.Start(psi)!, port);
            for (var i = 0; i < 100; i++)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                    return sink;
                }
                catch (SocketException)
                {
                    await Task.Delay(20);
                }
            }
            throw new InvalidOperationException("smtp-sink did not start");
        }

        /// <summary>The times of the first and last message after the first <paramref name="skip"/>.</summary>
        public (long? First, long? Last) Span(int skip)
        {
            lock (_arrivals) return _arrivals.Count > skip ? (_arrivals[skip], _arrivals[^1]) : (null, null);
        }

        private async Task ReadAsync()
        {
            var buffer = new char[4096];
            var line = new StringBuilder();
            var seen = 0;
            int n;
            while ((n = await _process.StandardOutput.ReadAsync(buffer)) > 0)
            {
                var now = Stopwatch.GetTimestamp();
                foreach (var c in buffer.AsSpan(0, n))
                {
                    if (c != '\r' && c != '\n')
                    {
                        line.Append(c);
                        continue;
                    }
                    var text = line.ToString();
                    line.Clear();
                    var at = text.IndexOf("mesg=", StringComparison.Ordinal);
                    if (at < 0 || !int.TryParse(text.AsSpan(at + 5), NumberStyles.None, CultureInfo.InvariantCulture, out var count)) continue;
                    var sess = text.IndexOf("sess=", StringComparison.Ordinal);
                    var sessions = sess < 0 ? 0 : int.Parse(text.AsSpan(sess + 5, text.IndexOf(' ', sess) - sess - 5), NumberStyles.None, CultureInfo.InvariantCulture);
                    lock (_arrivals)
                    {
                        for (; seen < count; seen++) _arrivals.Add(now);
                        _sessions = Math.Max(_sessions, sessions);
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            try { _process.Kill(); } catch (InvalidOperationException) { }
            await _process.WaitForExitAsync();
            await _reader;
            _process.Dispose();
        }
    }
}
