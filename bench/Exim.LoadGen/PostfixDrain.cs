using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Exim.LoadGen.Peers;

namespace Exim.LoadGen;

/// <summary>
/// Postfix draining a queue to smtp-sink, the reference for our <c>exim -qf</c> (bench/Exim.Benchmarks <c>drain</c>): N 1 KB
/// messages are received by a real Postfix (<see cref="PostfixServer"/>) with smtp-source and held on receipt; then
/// <c>postsuper -H ALL</c> releases them (to the deferred queue), <c>postqueue -f</c> flushes, and its queue manager delivers them over SMTP to <c>relayhost</c> = an smtp-sink on
/// loopback (Postfix's default destination concurrency, reused connections through scache). Printed: messages/s from the
/// first to the last message at the sink, the time from the release to the last message, and the CPU seconds of Postfix's
/// processes per message. Alternate it with ours under one lock:
/// <c>flock /work/bench.lock sh -c 'loadgen postfix-drain 2000 1; benchmarks drain 2000 1; loadgen postfix-drain 2000 1; benchmarks drain 2000 1'</c>.
/// </summary>
internal static class PostfixDrain
{
    public static async Task<int> RunAsync(string root, int messages, int rounds)
    {
        var tree = await PostfixTree.EnsureAsync(root);
        var sinkPort = FreePort();
        var sink = Process.Start(tree.Start("smtp-sink", "-c", "-u", "nobody", $"127.0.0.1:{sinkPort}", "1024"))!;
        var arrivals = new List<long>();
        var reader = Task.Run(() => Count(sink, arrivals));
        try
        {
            for (var round = 1; round <= rounds; round++)
            {
                await using var postfix = await PostfixServer.StartAsync(tree, FreePort(), relayHost: $"[127.0.0.1]:{sinkPort}");
                var source = Process.Start(tree.Start("smtp-source", "-s", "8", "-m", messages.ToString(CultureInfo.InvariantCulture), "-l", "1024",
                    "-f", "bench@bench.example", "-t", "rcpt@bench.example", $"127.0.0.1:{postfix.Port}"))!;
                await source.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
                var held = Stopwatch.StartNew();
                while (postfix.Held() < messages && held.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(50);
                if (postfix.Held() < messages) throw new InvalidOperationException($"only {postfix.Held()} of {messages} held" + postfix.LogTail());
                await Task.Delay(500); // let the receiving processes settle before the CPU is counted
                var cpuBefore = ProcStat.CpuSeconds(postfix.ProcessIds());
                int before;
                lock (arrivals) before = arrivals.Count;
                var released = Stopwatch.GetTimestamp();
                var super = Process.Start(tree.Start("postsuper", "-c", Path.Combine(postfix.Directory, "conf"), "-H", "ALL"))!;
                await super.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
                // Released messages go to the deferred queue: a flush has the queue manager take them all now.
                var flush = Process.Start(tree.Start("postqueue", "-c", Path.Combine(postfix.Directory, "conf"), "-f"))!;
                await flush.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
                var wait = Stopwatch.StartNew();
                var cpu = 0.0;
                while (Delivered(arrivals, before) < messages && wait.Elapsed < TimeSpan.FromSeconds(30))
                {
                    cpu = Math.Max(cpu, ProcStat.CpuSeconds(postfix.ProcessIds()) - cpuBefore); // sampled while its processes live
                    await Task.Delay(20);
                }
                cpu = Math.Max(cpu, ProcStat.CpuSeconds(postfix.ProcessIds()) - cpuBefore);
                long first, last;
                int delivered;
                lock (arrivals) (first, last, delivered) = arrivals.Count > before ? (arrivals[before], arrivals[^1], arrivals.Count - before) : (0, 0, 0);
                if (delivered < messages) Console.WriteLine($"{await flush.StandardError.ReadToEndAsync()}{postfix.LogTail()}");
                var span = Stopwatch.GetElapsedTime(first, last).TotalSeconds;
                Console.WriteLine($"round {round}: postfix drain: {delivered:N0}/{messages:N0} delivered; first to last {span:F2}s = {delivered / Math.Max(span, 1e-9):N0} msg/s; "
                    + $"release to last {Stopwatch.GetElapsedTime(released, last).TotalSeconds:F2}s; CPU {cpu:F2}s = {cpu * 1e6 / Math.Max(1, delivered):F0} µs/msg");
            }
        }
        finally
        {
            sink.Kill();
            await sink.WaitForExitAsync();
            await reader;
        }
        return 0;
    }

    private static int Delivered(List<long> arrivals, int before)
    {
        lock (arrivals) return arrivals.Count - before;
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Reads smtp-sink's <c>-c</c> counter (<c>... mesg=N</c> then CR), one timestamp per message.</summary>
    private static async Task Count(Process sink, List<long> arrivals)
    {
        var buffer = new char[4096];
        var line = new StringBuilder();
        var seen = 0;
        int n;
        while ((n = await sink.StandardOutput.ReadAsync(buffer)) > 0)
        {
            var now = Stopwatch.GetTimestamp();
            for (var i = 0; i < n; i++)
            {
                if (buffer[i] is not ('\r' or '\n'))
                {
                    line.Append(buffer[i]);
                    continue;
                }
                var text = line.ToString();
                line.Clear();
                var at = text.IndexOf("mesg=", StringComparison.Ordinal);
                if (at < 0 || !int.TryParse(text.AsSpan(at + 5), NumberStyles.None, CultureInfo.InvariantCulture, out var count)) continue;
                lock (arrivals)
                {
                    for (; seen < count; seen++) arrivals.Add(now);
                }
            }
        }
    }
}
