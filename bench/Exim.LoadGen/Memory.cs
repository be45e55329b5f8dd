using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

/// <summary>
/// The daemon's footprint (issue 15). <c>memory</c>: a fresh daemon's RSS and PSS at rest, then with N idle sessions open
/// (connected, banner read, then nothing), the bytes each costs, and PASS/FAIL against 100 MB RSS; then on another fresh
/// daemon the PSS sampled during connections/s and messages/s runs at c=32, PASS/FAIL against 60 MB at its peak. <c>gcmodes</c>: the
/// same daemon under each GC configuration (DOTNET_gc* environment variables over the project's runtimeconfig, so the
/// build under test stays the same), side by side: RSS/PSS at rest and with the idle sessions, then connections/s and
/// messages/s (1 KB, ten per reused connection) at c=32 with the peak and mean PSS sampled during them. The modes run in
/// turn for several rounds, so drift on a shared machine hits each alike; rates are best compared as ratios.
/// </summary>
internal static class Memory
{
    private const long IdleLimitKiB = 100 * 1024;
    private const long LoadLimitKiB = 60 * 1024;

    /// <summary>
    /// How long after its start a daemon counts as at rest: it gives back the pages of its mapped files that start-up
    /// touched one 2-second tick after its first generation is published (MemoryTrimmer).
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(4);

    /// <summary>
    /// The GC configurations compared; the first is the project's own (no variables set). A DOTNET_ variable overrides the
    /// runtimeconfig's setting (DOTNET_GCGen0MaxBudget, spelt so: the runtime reads it case-sensitively, and
    /// DOTNET_GCgen0MaxBudget does nothing, over System.GC.Gen0MaxBudget); 0xC800000 (200 MB) is the runtime's own cap for
    /// workstation non-concurrent GC, i.e. no cap from us.
    /// </summary>
    private static readonly (string Name, (string Key, string Value)[] Env)[] Modes =
    [
        ("project (wks, non-conc., gen0 max 4 MB)", []),
        ("gen0 max budget uncapped (200 MB)", [("DOTNET_GCGen0MaxBudget", "0xC800000")]),
        ("gen0 max budget 2 MB", [("DOTNET_GCGen0MaxBudget", "0x200000")]),
        ("gen0 max budget 8 MB", [("DOTNET_GCGen0MaxBudget", "0x800000")]),
        ("workstation, concurrent", [("DOTNET_gcConcurrent", "1")]),
        ("ConserveMemory=7", [("DOTNET_GCConserveMemory", "7")]),
        ("server, DATAS (default)", [("DOTNET_gcServer", "1"), ("DOTNET_GCGen0MaxBudget", "0xC800000")]),
        ("server, DATAS off", [("DOTNET_gcServer", "1"), ("DOTNET_GCDynamicAdaptationMode", "0"), ("DOTNET_GCGen0MaxBudget", "0xC800000")]),
    ];

    /// <param name="startDaemon">Starts a daemon as the other modes do (with the variables of the process environment).</param>
    /// <param name="connections">connections/s at c=32 on a daemon.</param>
    /// <param name="messages">messages/s at c=32, ten per reused connection.</param>
    /// <param name="gcModes">Compare the GC modes rather than only check the default.</param>
    public static async Task<int> RunAsync(Func<Task<Daemon>> startDaemon, Func<Daemon, Task<double>> connections, Func<Daemon, Task<double>> messages,
        int idleSessions, bool gcModes, int rounds)
    {
        try
        {
            return await RunCoreAsync(startDaemon, connections, messages, idleSessions, gcModes, rounds);
        }
        finally
        {
            foreach (var d in Stopped) await d.DisposeAsync();
        }
    }

    private static async Task<int> RunCoreAsync(Func<Task<Daemon>> startDaemon, Func<Daemon, Task<double>> connections, Func<Daemon, Task<double>> messages,
        int idleSessions, bool gcModes, int rounds)
    {
        RaiseDescriptorLimit(idleSessions + 1000);
        if (!gcModes)
        {
            Console.WriteLine($"{idleSessions} idle sessions; {Environment.ProcessorCount} cores");
            var idle = await WithDaemonAsync(startDaemon, [], d => IdleAsync(d, idleSessions));
            var (_, _, _, pss) = await WithDaemonAsync(startDaemon, [], d => LoadAsync(d, connections, messages));
            var idlePass = idle.Open.Rss <= IdleLimitKiB;
            var loadPass = pss.Peak <= LoadLimitKiB;
            Console.WriteLine($"{(idlePass ? "PASS" : "FAIL")}: RSS with {idleSessions} idle sessions {idle.Open.Rss / 1024.0:F1} MiB (limit {IdleLimitKiB / 1024} MiB)");
            Console.WriteLine($"{(loadPass ? "PASS" : "FAIL")}: peak PSS during the c=32 runs {pss.Peak / 1024.0:F1} MiB (limit {LoadLimitKiB / 1024} MiB; mean {pss.Mean / 1024.0:F1})");
            return idlePass && loadPass ? 0 : 1;
        }

        var results = Modes.Select(_ => new List<Row>()).ToArray();
        for (var round = 1; round <= rounds; round++)
        {
            for (var m = 0; m < Modes.Length; m++)
            {
                var (name, env) = Modes[m];
                Console.WriteLine($"round {round}, {name}");
                // Two fresh daemons: the idle sessions' heap, once freed, would otherwise count in the PSS under load.
                var idle = await WithDaemonAsync(startDaemon, env, d => IdleAsync(d, idleSessions));
                var (conns, msgs, cpuMs, pss) = await WithDaemonAsync(startDaemon, env, d => LoadAsync(d, connections, messages));
                results[m].Add(new Row(idle.AtRest, idle.Open, conns, msgs, cpuMs, pss.Peak, pss.Mean));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"medians of {rounds} round(s); {idleSessions} idle sessions; rates at c=32 (1 KB messages, ten per connection); memory in MiB");
        Console.WriteLine($"{"GC mode",-40} {"RSS rest",8} {"PSS rest",8} {"RSS idle",8} {"B/sess",7} {"conn/s",8} {"msg/s",7} {"ratio",6} {"ms/msg",6} {"PSS pk",7} {"PSS avg",7}");
        var reference = (Conns: Median(results[0], r => r.Connections), Msgs: Median(results[0], r => r.Messages));
        for (var m = 0; m < Modes.Length; m++)
        {
            var rows = results[m];
            var rest = Median(rows, r => r.Rest.Rss);
            var open = Median(rows, r => r.Open.Rss);
            var conns = Median(rows, r => r.Connections);
            var msgs = Median(rows, r => r.Messages);
            Console.WriteLine($"{Modes[m].Name,-40} {rest / 1024,8:F1} {Median(rows, r => r.Rest.Pss) / 1024,8:F1} {open / 1024,8:F1} {(open - rest) * 1024 / idleSessions,7:F0} "
                + $"{conns,8:N0} {msgs,7:N0} {conns / reference.Conns,3:F2}/{msgs / reference.Msgs,-4:F2} {Median(rows, r => r.CpuMsPerMessage),6:F3} {Median(rows, r => r.PeakPss) / 1024,7:F1} {Median(rows, r => r.MeanPss) / 1024,7:F1}");
        }
        Console.WriteLine("ratio: connections/s and messages/s against the first mode's in the same run; ms/msg: the daemon's CPU (utime+stime) per message received.");
        return 0;
    }

    /// <summary>Runs <paramref name="work"/> on a daemon started with the variables <paramref name="env"/> set, then stops it.</summary>
    private static async Task<T> WithDaemonAsync<T>(Func<Task<Daemon>> startDaemon, (string Key, string Value)[] env, Func<Daemon, Task<T>> work)
    {
        foreach (var (key, value) in env) Environment.SetEnvironmentVariable(key, value);
        Daemon d;
        try
        {
            d = await startDaemon();
        }
        finally
        {
            foreach (var (key, _) in env) Environment.SetEnvironmentVariable(key, null);
        }
        Stopped.Add(d);
        try
        {
            return await work(d);
        }
        finally
        {
            await d.StopAsync();
        }
    }

    /// <summary>
    /// The daemons run so far, stopped, whose directories are deleted only at the end (<see cref="RunAsync"/>): deleting
    /// tens of thousands of spool files between runs makes ext4 without a journal slow to allocate the next run's inodes
    /// for about 30 seconds (it skips inodes deleted within dirty_expire_centisecs: recently_deleted), whichever daemon
    /// runs next. Profiled: 50% of the daemon's CPU in find_inode_bit/recently_deleted, its CPU per message four times
    /// higher and its rate a third.
    /// </summary>
    private static readonly List<Daemon> Stopped = [];

    /// <summary>RSS and PSS of a fresh daemon at rest and with <paramref name="count"/> idle sessions open (then closed).</summary>
    private static async Task<(Footprint AtRest, Footprint Open)> IdleAsync(Daemon daemon, int count)
    {
        var pid = daemon.Process.Id;
        await Task.Delay(Settle);
        var rest = Footprint.Of(pid);
        Console.WriteLine($"  at rest: {rest}");
        var endpoint = new IPEndPoint(IPAddress.Loopback, daemon.Port);
        var clients = new Client[count];
        var sw = Stopwatch.StartNew();
        var next = -1;
        // Eight openers at once: the listen backlog holds what the accept loop has not taken yet.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var c = await Client.ConnectAsync(endpoint);
                var banner = await c.ReplyAsync();
                if (!banner.StartsWith("220", StringComparison.Ordinal)) throw new InvalidOperationException($"session {i}: {banner}");
                clients[i] = c;
            }
        })));
        var opened = sw.Elapsed;
        var open = rest;
        foreach (var settle in new[] { 2, 8 })
        {
            await Task.Delay(TimeSpan.FromSeconds(settle));
            open = Footprint.Of(pid);
            Console.WriteLine($"  {count} idle sessions (opened in {opened.TotalSeconds:F1}s), after {(settle == 2 ? 2 : 10),2}s: {open}; "
                + $"{(open.Rss - rest.Rss) * 1024.0 / count:F0} bytes/session RSS, {(open.Pss - rest.Pss) * 1024.0 / count:F0} PSS");
        }
        foreach (var c in clients) await c.DisposeAsync();
        return (rest, open);
    }

    /// <summary>connections/s, then messages/s at c=32 on a fresh daemon, with the peak and mean PSS sampled during both.</summary>
    private static async Task<(double Connections, double Messages, double CpuMsPerMessage, (long Peak, long Mean) Pss)> LoadAsync(Daemon d,
        Func<Daemon, Task<double>> connections, Func<Daemon, Task<double>> messages)
    {
        await Task.Delay(Settle);
        Console.WriteLine($"  at rest: {Footprint.Of(d.Process.Id)}");
        var (conns, connsPss) = await SampledAsync(d, () => connections(d));
        // The daemon's CPU per message (utime+stime): a cost that the shared machine's noise moves less than the rate.
        var cpu = Exim.LoadGen.ProcStat.CpuSeconds([d.Process.Id]);
        var sw = Stopwatch.StartNew();
        var (msgs, msgsPss) = await SampledAsync(d, () => messages(d));
        var cpuMs = (Exim.LoadGen.ProcStat.CpuSeconds([d.Process.Id]) - cpu) * 1000 / Math.Max(1, msgs * sw.Elapsed.TotalSeconds);
        var pss = (Peak: Math.Max(connsPss.Peak, msgsPss.Peak), Mean: (connsPss.Mean + msgsPss.Mean) / 2);
        Console.WriteLine(Breakdown.Describe(connsPss.Peak > msgsPss.Peak ? connsPss.AtPeak : msgsPss.AtPeak));
        Console.WriteLine($"  PSS during the c=32 runs: peak {pss.Peak / 1024.0:F1} MiB, mean {pss.Mean / 1024.0:F1} MiB; daemon CPU {cpuMs:F3} ms/message; after them: {Footprint.Of(d.Process.Id)}");
        return (conns, msgs, cpuMs, pss);
    }

    /// <summary>
    /// Runs <paramref name="work"/> while sampling the daemon every 200 ms: its result, and the peak and mean PSS (KiB).
    /// PSS shares the runtime's pages with every other .NET process running (here the load generator at least), so it
    /// moves with what else runs; the anonymous part (the GC heap, the JIT's) is the daemon's own and is printed too.
    /// </summary>
    private static async Task<(double Result, (long Peak, long Mean, Breakdown AtPeak) Pss)> SampledAsync(Daemon daemon, Func<Task<double>> work)
    {
        var samples = new List<Footprint>();
        var atPeak = Breakdown.Empty;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var sample = Footprint.Of(daemon.Process.Id);
                // The whole smaps only at a new peak: walking every mapping each time would load the daemon under test.
                if (samples.Count == 0 || sample.Pss > samples.Max(f => f.Pss)) atPeak = Breakdown.Of(daemon.Process.Id);
                samples.Add(sample);
                try { await Task.Delay(200, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        var result = await work();
        await stop.CancelAsync();
        await sampler;
        Console.WriteLine($"    during it: PSS peak {samples.Max(f => f.Pss) / 1024.0:F1} MiB mean {samples.Average(f => f.Pss) / 1024.0:F1}; "
            + $"anonymous peak {samples.Max(f => f.Anonymous) / 1024.0:F1} MiB mean {samples.Average(f => f.Anonymous) / 1024.0:F1}");
        return (result, (samples.Max(f => f.Pss), (long)samples.Average(f => f.Pss), atPeak));
    }

    private static double Median(List<Row> rows, Func<Row, double> value)
    {
        var sorted = rows.Select(value).Order().ToList();
        return sorted[sorted.Count / 2];
    }

    /// <summary>The load generator holds one descriptor per idle session: raise its own soft limit to what it needs (up to the hard limit).</summary>
    private static void RaiseDescriptorLimit(int wanted)
    {
        const int RlimitNofile = 7;
        if (getrlimit(RlimitNofile, out var limit) != 0 || limit.Current >= (ulong)wanted) return;
        limit.Current = Math.Min((ulong)wanted, limit.Maximum);
        if (setrlimit(RlimitNofile, limit) != 0 || limit.Current < (ulong)wanted)
        {
            Console.WriteLine($"warning: RLIMIT_NOFILE is {limit.Current}, fewer than the {wanted} descriptors this run needs (raise the hard limit: ulimit -Hn)");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int getrlimit(int resource, out RLimit limit);

    [DllImport("libc", SetLastError = true)]
    private static extern int setrlimit(int resource, in RLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct RLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    private sealed record Row(Footprint Rest, Footprint Open, double Connections, double Messages, double CpuMsPerMessage, long PeakPss, long MeanPss);

    /// <summary>A process's memory from /proc/pid/smaps_rollup, KiB: RSS, PSS, and the anonymous (heap) part of RSS.</summary>
    private readonly record struct Footprint(long Rss, long Pss, long Anonymous)
    {
        public static Footprint Of(int pid)
        {
            long rss = 0, pss = 0, anon = 0;
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 2) continue;
                switch (parts[0])
                {
                    case "Rss:": rss = long.Parse(parts[1], CultureInfo.InvariantCulture); break;
                    case "Pss:": pss = long.Parse(parts[1], CultureInfo.InvariantCulture); break;
                    case "Anonymous:": anon = long.Parse(parts[1], CultureInfo.InvariantCulture); break;
                }
            }
            return new Footprint(rss, pss, anon);
        }

        public override string ToString() => $"RSS {Rss / 1024.0:F1} MiB, PSS {Pss / 1024.0:F1} MiB, anonymous {Anonymous / 1024.0:F1} MiB";
    }
}
