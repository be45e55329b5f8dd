using System.Collections.Concurrent;
using System.Diagnostics;
using Exim.TestKit;

namespace Exim.Benchmarks;

/// <summary>
/// Delivery figures, with real processes: (1) messages/s delivered by one <c>exim -q</c> from a filled spool to a local
/// SMTP sink (manualroute to 127.0.0.1, the smtp transport reusing its connection), at 1 KB and at 100 KB, and by a
/// two-stage <c>exim -qq</c> at 1 KB (every message routed and locked twice); (2) the
/// latency of immediate delivery: from the client's <c>250 OK id=</c> to the end of DATA at the sink, one message
/// at a time. The sink accepts everything and keeps nothing.
/// </summary>
internal static class DeliveryBench
{
    public static async Task<int> RunAsync(int messages)
    {
        var arrivals = new ConcurrentQueue<long>();
        var answers = ScriptedSmtpServer.Answers();
        await using var sink = new ScriptedSmtpServer(command =>
        {
            if (command == ".") arrivals.Enqueue(Stopwatch.GetTimestamp());
            return answers(command);
        });

        foreach (var (size, count, flag) in new[] { (1024, messages, "-q"), (1024, messages, "-qq"), (100 * 1024, Math.Max(20, messages / 10), "-q") })
        {
            await using var daemon = await TestDaemon.StartAsync(Config(sink.Port, queueOnly: true)); // owns and removes its directory
            await SendAsync(daemon.Port, count, size);
            await daemon.StopAsync();
            var dir = daemon.Directory;
            var before = arrivals.Count;
            var watch = Stopwatch.StartNew();
            var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", dir.Combine("exim.toml"), flag);
            var elapsed = watch.Elapsed;
            if (code != 0) throw new InvalidOperationException(stderr);
            var delivered = arrivals.Count - before;
            Console.WriteLine($"exim {flag}, {count} messages of {size / 1024} KB to a local SMTP sink: {delivered} delivered in {elapsed.TotalSeconds:F2}s = {delivered / elapsed.TotalSeconds:N0} messages/s ({delivered * (double)size / elapsed.TotalSeconds / 1048576:F1} MiB/s; includes the process start)");
        }

        await using (var daemon = await TestDaemon.StartAsync(Config(sink.Port, queueOnly: false)))
        {
            var latencies = new List<double>();
            var (client, _) = await SmtpTestClient.OpenAsync(daemon.Port);
            await using (client)
            {
                await client.CommandAsync("EHLO bench.example");
                for (var i = 0; i < 60; i++)
                {
                    var before = arrivals.Count;
                    var reply = await client.SendMessageAsync("bench@bench.example", "rcpt@remote.example", Body(1024));
                    var accepted = Stopwatch.GetTimestamp();
                    if (!reply.StartsWith("250", StringComparison.Ordinal)) throw new InvalidOperationException(reply);
                    var deadline = Stopwatch.StartNew();
                    while (arrivals.Count == before && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
                    if (arrivals.Count == before) throw new InvalidOperationException("no delivery within 10 s:\n" + daemon.MainLog);
                    var arrived = arrivals.ToArray()[^1];
                    if (i >= 10) latencies.Add(Stopwatch.GetElapsedTime(accepted, arrived).TotalMilliseconds); // first 10 warm up
                }
            }
            latencies.Sort();
            Console.WriteLine($"immediate delivery, 250 OK to end of DATA at the sink, {latencies.Count} messages one at a time: median {latencies[latencies.Count / 2]:F2} ms, p90 {latencies[latencies.Count * 9 / 10]:F2} ms, max {latencies[^1]:F2} ms");
        }
        return 0;
    }

    internal static string Config(int sinkPort, bool queueOnly, string extra = "") => TestDaemon.SmtpConfig($$"""
        queue_only = {{(queueOnly ? "true" : "false")}}
        {{extra}}
        smtp_accept_max_per_connection = 100000
        smtp_accept_queue_per_connection = 0

        [[routers]]
        name = "sink"
        driver = "manualroute"
        route_list = ["* 127.0.0.1"]
        transport = "to_sink"
        self = "send"

        [[transports]]
        name = "to_sink"
        driver = "smtp"
        port = "{{sinkPort}}"
        allow_localhost = true
        """);

    private static string Body(int size)
        => "Subject: bench\n\n" + string.Concat(Enumerable.Repeat(new string('x', 78) + "\n", Math.Max(1, (size - 20) / 79)));

    internal static async Task SendAsync(int port, int count, int size)
    {
        var body = Body(size);
        var (client, _) = await SmtpTestClient.OpenAsync(port);
        await using (client)
        {
            await client.CommandAsync("EHLO bench.example");
            for (var i = 0; i < count; i++)
            {
                var reply = await client.SendMessageAsync("bench@bench.example", "rcpt@remote.example", body);
                if (!reply.StartsWith("250", StringComparison.Ordinal)) throw new InvalidOperationException(reply);
            }
        }
    }
}
