using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Exim.LoadGen.Peers;

namespace Exim.LoadGen;

/// <summary>
/// Receive throughput side by side (issue 15), with Postfix's <c>smtp-source</c> as the load (1 KB messages, 32 sessions):
/// <list type="bullet">
/// <item><c>compare</c>: our daemon (durable spool), a real Postfix 3.7 (<see cref="PostfixServer"/>: every message held, so
/// it receives and queues durably and delivers nothing, as our daemon with no routers), smtp-sink (the ceiling: no disk)
/// and <see cref="FsyncLoop"/> (the disk's commit rate: 32 threads of write+fsync+rename+directory fsync, 1 KB files),
/// all in one temporary directory on the same disk, started once and measured in the same run, alternating in rounds
/// (the order rotating) so drift hits all alike. Two shapes: reused connections (<c>smtp-source -d</c>, every session sends
/// message after message) and a new connection per message. Prints msg/s, the daemons' CPU ms per message and PSS, and
/// the same-round ratios ours/Postfix, ours/smtp-sink and ours/fsync-loop (medians over the rounds); at the end, that
/// every message acknowledged was received and queued (0 lost).</item>
/// <item><c>sustained</c> (reused connections) and <c>sustained-new</c> (a new connection per message): our daemon alone for
/// <c>seconds</c> (at least 180) at c=32, the rate every 10 s (from the mainlog's &lt;= lines), CPU ms per message and PSS;
/// PASS when the last minute's rate is within 10% of the first minute's.</item>
/// </list>
/// </summary>
internal static class Compare
{
    private const int Sessions = 32;
    private const string Ours = "ours", Alt = "ours-alt", Postfix = "postfix", Sink = "smtp-sink", Fsync = "fsync-loop";

    /// <summary>
    /// No limit of messages per connection (Exim's default is 1000; smtp-source -d keeps every session for the whole run, as
    /// Postfix allows); run as root (as this bench is on a CI machine), the daemon must be told it may stay root. More main
    /// options for a trial from EXIM_LOADGEN_MAIN (e.g. <c>spool_sync = "file"</c>), one per line.
    /// </summary>
    private static readonly string OursBase = "smtp_accept_max_per_connection = 0\n" + (Environment.IsPrivilegedProcess ? "exim_user = \"root\"\n" : "");

    private static readonly string OursMain = OursBase + Environment.GetEnvironmentVariable("EXIM_LOADGEN_MAIN")?.Replace("\\n", "\n", StringComparison.Ordinal);

    /// <summary>With EXIM_LOADGEN_ALT, <c>compare</c> also measures a second daemon with those options, as "ours-alt", in the same rounds (an A/B).</summary>
    private static readonly string? AltOptions = Environment.GetEnvironmentVariable("EXIM_LOADGEN_ALT")?.Replace("\\n", "\n", StringComparison.Ordinal);

    public static async Task RunAsync(string root, string exim, string mode, int seconds, int rounds)
    {
        var tree = await PostfixTree.EnsureAsync(root);
        if (mode == "compare") await CompareAsync(root, exim, tree, seconds, rounds);
        else await SustainedAsync(root, exim, tree, Math.Max(180, seconds), reused: mode == "sustained");
    }

    private static async Task CompareAsync(string root, string exim, PostfixTree tree, int seconds, int rounds)
    {
        var scratch = Path.Combine(Path.GetTempPath(), $"exim-compare-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(scratch);
        await using var ours = await Daemon.StartAsync(exim, root, "", "", "", OursMain);
        await using var alt = AltOptions is null ? null : await Daemon.StartAsync(exim, root, "", "", "", OursBase + AltOptions);
        await using var postfix = await PostfixServer.StartAsync(tree, FreePort(), scratch);
        var sinkPort = FreePort();
        using var sink = Process.Start(tree.Start("smtp-sink", "-u", "nobody", $"127.0.0.1:{sinkPort}", "1024"))!;
        try
        {
            Console.WriteLine($"{Environment.ProcessorCount} cores; smtp-source -s {Sessions} -l 1024, {seconds}s per run, {rounds} rounds; ours pid {ours.Process.Id} :{ours.Port}, postfix master pid {postfix.MasterPid} :{postfix.Port}, smtp-sink :{sinkPort}; all under {Path.GetTempPath()}");
            var ports = new Dictionary<string, int> { [Ours] = ours.Port, [Postfix] = postfix.Port, [Sink] = sinkPort, [Alt] = alt?.Port ?? 0 };
            var sent = new Dictionary<string, long> { [Ours] = 0, [Postfix] = 0, [Sink] = 0, [Alt] = 0 };
            if (alt is not null) Console.WriteLine($"ours-alt pid {alt.Process.Id} :{alt.Port} with {AltOptions}");
            foreach (var target in alt is null ? new[] { Ours, Postfix } : [Ours, Alt, Postfix])
            {
                var warm = await SourceAsync(tree, ports[target], 2000, reused: true);
                if (warm.Error is not null) throw new InvalidOperationException($"warm-up of {target} failed: {warm.Error}");
                sent[target] += 2000;
            }
            string[] targets = alt is null ? [Ours, Postfix, Sink, Fsync] : [Ours, Alt, Postfix, Sink, Fsync];
            var estimate = new Dictionary<string, double> { [Ours] = 2000, [Alt] = 2000, [Postfix] = 1000, [Sink] = 8000 };
            var rates = new Dictionary<(bool Reused, string Target), List<double>>();
            var cpu = new Dictionary<(bool Reused, string Target), List<double>>();
            var ratios = new Dictionary<(bool Reused, string Against), List<double>>();
            long oursPss = 0, postfixPss = 0;
            for (var round = 1; round <= rounds; round++)
            {
                foreach (var reused in new[] { true, false })
                {
                    var shape = reused ? "reused" : "new-conn";
                    var thisRound = new Dictionary<string, double>();
                    var order = targets.Skip(round % targets.Length).Concat(targets.Take(round % targets.Length));
                    foreach (var target in order)
                    {
                        if (target == Fsync)
                        {
                            var commits = await Task.Run(() => FsyncLoop.Run(Path.Combine(scratch, "fsync"), Sessions, TimeSpan.FromSeconds(seconds)));
                            thisRound[target] = commits;
                            Console.WriteLine($"round {round} {shape,-8} {target,-10} {commits,8:N0} commits/s");
                            continue;
                        }
                        var key = reused ? target : target + "/new";
                        var count = (int)Math.Clamp(estimate.GetValueOrDefault(key, estimate[target] / (reused ? 1 : 2)) * seconds, 1000, 2_000_000);
                        var pids = target switch { Ours => [ours.Process.Id], Alt => [alt!.Process.Id], Postfix => postfix.ProcessIds(), _ => [sink.Id] };
                        var cpuBefore = target == Postfix ? ProcStat.TreeCpuSeconds(postfix.MasterPid) : ProcStat.CpuSeconds(pids);
                        using var sampling = new CancellationTokenSource();
                        var pss = SamplePssAsync(() => target == Postfix ? postfix.ProcessIds() : pids, sampling.Token);
                        var result = await SourceAsync(tree, ports[target], count, reused);
                        await sampling.CancelAsync();
                        var peak = await pss;
                        var cpuAfter = target == Postfix ? ProcStat.TreeCpuSeconds(postfix.MasterPid) : ProcStat.CpuSeconds(pids);
                        sent[target] += count;
                        if (result.Error is not null)
                        {
                            Console.WriteLine($"round {round} {shape,-8} {target,-10} FAILED: {result.Error}");
                            continue;
                        }
                        var rate = count / result.Seconds;
                        estimate[key] = rate;
                        thisRound[target] = rate;
                        var cpuMs = (cpuAfter - cpuBefore) * 1000 / count;
                        rates.TryAdd((reused, target), []);
                        rates[(reused, target)].Add(rate);
                        if (target != Sink)
                        {
                            cpu.TryAdd((reused, target), []);
                            cpu[(reused, target)].Add(cpuMs);
                        }
                        if (target == Ours) oursPss = Math.Max(oursPss, peak);
                        if (target == Postfix) postfixPss = Math.Max(postfixPss, peak);
                        Console.WriteLine($"round {round} {shape,-8} {target,-10} {rate,8:N0} msg/s  ({count} in {result.Seconds:F1}s{(target == Sink ? "" : $"; {cpuMs:F3} CPU ms/msg; peak PSS {peak / 1024} MiB")})");
                    }
                    rates.TryAdd((reused, Fsync), []);
                    if (thisRound.TryGetValue(Fsync, out var f)) rates[(reused, Fsync)].Add(f);
                    if (!thisRound.TryGetValue(Ours, out var o)) continue;
                    foreach (var against in new[] { Postfix, Sink, Fsync, Alt })
                    {
                        if (!thisRound.TryGetValue(against, out var other)) continue;
                        ratios.TryAdd((reused, against), []);
                        ratios[(reused, against)].Add(o / other);
                    }
                }
            }

            Console.WriteLine($"medians of {rounds} rounds (ratios: median of the same-round ratios):");
            foreach (var reused in new[] { true, false })
            {
                var shape = reused ? "reused connections" : "new connection per message";
                string Rate(string t) => rates.TryGetValue((reused, t), out var v) && v.Count > 0 ? $"{Median(v),8:N0}" : "       -";
                string Cpu(string t) => cpu.TryGetValue((reused, t), out var v) && v.Count > 0 ? $"{Median(v):F3}" : "-";
                string Ratio(string t) => ratios.TryGetValue((reused, t), out var v) && v.Count > 0 ? $"{Median(v):F2}" : "-";
                Console.WriteLine($"  {shape}, c={Sessions}: ours {Rate(Ours)} msg/s ({Cpu(Ours)} CPU ms/msg), postfix {Rate(Postfix)} msg/s ({Cpu(Postfix)} CPU ms/msg), smtp-sink {Rate(Sink)} msg/s, fsync loop {Rate(Fsync)} commits/s");
                Console.WriteLine($"    ours/postfix {Ratio(Postfix)}   ours/smtp-sink {Ratio(Sink)}   ours/fsync-loop {Ratio(Fsync)}{(alt is null ? "" : $"   ours-alt {Rate(Alt)} msg/s ({Cpu(Alt)} CPU ms/msg), ours/ours-alt {Ratio(Alt)}")}");
            }
            Console.WriteLine($"  peak PSS during the runs: ours {oursPss / 1024} MiB, postfix (all its processes) {postfixPss / 1024} MiB");

            // 0 lost: every message smtp-source was answered 250 for is in the queue (smtp-source stops at the first error,
            // so a failed run's count is an upper bound and only the successful total is exact).
            await Task.Delay(1000);
            var oursQueued = Directory.EnumerateFiles(Path.Combine(InputOf(ours)), "*-H").Count();
            var oursLogged = ReceivedLines(MainlogOf(ours), 0).Lines;
            var held = postfix.Held();
            Console.WriteLine($"  queued: ours {oursQueued} -H files and {oursLogged} <= lines for {sent[Ours]} sent; postfix {held} held for {sent[Postfix]} sent "
                + (oursQueued == sent[Ours] && oursLogged == sent[Ours] && held == sent[Postfix] ? "(0 lost)" : "(MISMATCH)"));
        }
        finally
        {
            if (!sink.HasExited) sink.Kill();
            await sink.WaitForExitAsync();
            try
            {
                Directory.Delete(scratch, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static async Task SustainedAsync(string root, string exim, PostfixTree tree, int seconds, bool reused)
    {
        await using var ours = await Daemon.StartAsync(exim, root, "", "", "", OursMain);
        var pid = ours.Process.Id;
        var warm = await SourceAsync(tree, ours.Port, 2000, reused: true);
        if (warm.Error is not null) throw new InvalidOperationException("warm-up failed: " + warm.Error);
        Console.WriteLine($"sustained, {(reused ? "reused connections" : "a new connection per message")}, c={Sessions}, 1 KB, {seconds}s; ours pid {pid} :{ours.Port}; {Environment.ProcessorCount} cores");
        var mainlog = MainlogOf(ours);
        var (offset, _) = ReceivedLines(mainlog, 0);
        var args = new List<string> { "-s", Sessions.ToString(CultureInfo.InvariantCulture), "-l", "1024", "-m", "100000000", "-M", "load.example", "-f", "load@client.example", "-t", "sink@bench.example" };
        if (reused) args.Add("-d");
        args.Add($"127.0.0.1:{ours.Port}");
        using var source = Process.Start(tree.Start("smtp-source", [.. args]))!;
        var stderr = source.StandardError.ReadToEndAsync();
        var perInterval = new List<double>();
        var clock = Stopwatch.StartNew();
        var cpuBefore = ProcStat.CpuSeconds([pid]);
        long total = 0, peakPss = 0;
        for (var i = 1; i <= seconds / 10; i++)
        {
            var due = TimeSpan.FromSeconds(10 * i);
            while (clock.Elapsed < due)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, Math.Max(1, (due - clock.Elapsed).TotalMilliseconds))));
                peakPss = Math.Max(peakPss, ProcStat.PssKiB([pid]));
            }
            var (next, lines) = ReceivedLines(mainlog, offset);
            offset = next;
            total += lines;
            perInterval.Add(lines / 10.0);
            var cpuNow = ProcStat.CpuSeconds([pid]);
            Console.WriteLine($"  {10 * i,4}s {lines / 10.0,8:N0} msg/s   total {total}   {(cpuNow - cpuBefore) * 1000 / Math.Max(1, total):F3} CPU ms/msg   PSS {ProcStat.PssKiB([pid]) / 1024} MiB   -H files {SafeCount(InputOf(ours))}");
            if (source.HasExited)
            {
                Console.WriteLine($"smtp-source exited early ({source.ExitCode}): {await stderr}");
                break;
            }
        }
        if (!source.HasExited) source.Kill();
        await source.WaitForExitAsync();
        if (perInterval.Count < 12)
        {
            Console.WriteLine("FAIL: the run ended before two minutes");
            return;
        }
        var first = perInterval.Take(6).Average();
        var last = perInterval.TakeLast(6).Average();
        var verdict = last >= first * 0.9 ? "PASS" : "FAIL";
        Console.WriteLine($"{verdict}: first minute {first:N0} msg/s, last minute {last:N0} msg/s ({(last - first) / first * 100:+0.0;-0.0}%; the target: within 10%); peak PSS {peakPss / 1024} MiB; {total} messages");
    }

    private static int SafeCount(string directory) => Directory.EnumerateFiles(directory, "*-H").Count();

    private static string MainlogOf(Daemon d) => $"/proc/{d.Process.Id}/cwd/spool/log/mainlog";

    private static string InputOf(Daemon d) => $"/proc/{d.Process.Id}/cwd/spool/input";

    /// <summary>Counts the &lt;= lines of the mainlog from <paramref name="offset"/> to its last complete line.</summary>
    private static (long Offset, long Lines) ReceivedLines(string mainlog, long offset)
    {
        using var stream = new FileStream(mainlog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Position = offset;
        var buffer = new byte[1 << 16];
        long lines = 0, consumed = offset;
        var carry = new List<byte>();
        int n;
        while ((n = stream.Read(buffer)) > 0)
        {
            var start = 0;
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] != '\n') continue;
                carry.AddRange(buffer.AsSpan(start, i - start + 1));
                if (IsReceived(carry)) lines++;
                consumed += carry.Count;
                carry.Clear();
                start = i + 1;
            }
            carry.AddRange(buffer.AsSpan(start, n - start));
        }
        return (consumed, lines);
    }

    private static bool IsReceived(List<byte> line)
    {
        // "2026-11-30 16:40:00 1vQ2b1-000001-AB <= sender ...": the marker follows the date, time and id.
        for (var i = 0; i + 3 < line.Count && i < 80; i++)
        {
            if (line[i] == ' ' && line[i + 1] == '<' && line[i + 2] == '=' && line[i + 3] == ' ') return true;
        }
        return false;
    }

    /// <summary>One smtp-source run: <paramref name="count"/> messages of 1 KB over 32 sessions; its wall time, or its error.</summary>
    private static async Task<(double Seconds, string? Error)> SourceAsync(PostfixTree tree, int port, int count, bool reused)
    {
        var args = new List<string> { "-s", Sessions.ToString(CultureInfo.InvariantCulture), "-l", "1024", "-m", count.ToString(CultureInfo.InvariantCulture), "-M", "load.example", "-f", "load@client.example", "-t", "sink@bench.example" };
        if (reused) args.Add("-d");
        args.Add($"127.0.0.1:{port}");
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(tree.Start("smtp-source", [.. args]))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(10));
        var seconds = clock.Elapsed.TotalSeconds;
        var error = (await stderr).Trim();
        _ = await stdout;
        return p.ExitCode == 0 && error.Length == 0 ? (seconds, null) : (seconds, $"exit {p.ExitCode}: {error}");
    }

    private static async Task<long> SamplePssAsync(Func<IReadOnlyList<int>> pids, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ProcStat.PssKiB(pids()));
            try
            {
                await Task.Delay(500, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return peak;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
