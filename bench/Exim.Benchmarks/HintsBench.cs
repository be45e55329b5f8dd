using System.Diagnostics;
using System.Globalization;
using Exim.Abstractions.Hints;
using Exim.Abstractions.Policy;
using Exim.Mail.Hints;
using Exim.Mail.Policy;
using Exim.Mail.Retry;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Benchmarks;

/// <summary>
/// Hints store figures. <c>hints [seconds]</c>: lookups, writes, read-modify-writes and <c>RateLimit</c> checks per second
/// on the core's SQLite store (10,000 records), one caller and four at once. <c>retry-scale [messages]</c>: one
/// <c>exim -q</c> delivering the same spool to a local SMTP sink with 10 and with 10,000 other retry records in the
/// store: the time per message must not grow with the records.
/// </summary>
internal static class HintsBench
{
    private const int Records = 10_000;

    public static async Task<int> RunAsync(double seconds)
    {
        using var dir = new TempDirectory("exim-bench-hints");
        using var store = new SqliteHintsStore(dir.Path, NullLogger.Instance);
        for (var i = 0; i < Records; i++) await store.PutAsync(HintsDatabases.Retry, Key(i), "1796000000\t1796000000\t1796000900\t0\t111\tConnection refused", CancellationToken.None);
        var limiter = new HintsRateLimiter(store, TimeProvider.System);
        var duration = TimeSpan.FromSeconds(seconds);

        await ReportAsync("lookup (hit, 10,000 records)", duration, async i => await store.GetAsync(HintsDatabases.Retry, Key(i % Records), CancellationToken.None));
        await ReportAsync("lookup (miss)", duration, async i => await store.GetAsync(HintsDatabases.Retry, "T:absent:" + i, CancellationToken.None));
        await ReportAsync("put (replace)", duration, i => store.PutAsync(HintsDatabases.Retry, Key(i % Records), "1796000000\t1796000000\t1796000900\t0\t111\tConnection refused", CancellationToken.None));
        await ReportAsync("read-modify-write (BEGIN IMMEDIATE)", duration, async i =>
            await store.UpdateAsync("bench", "k" + (i % 1000),
                c => (HintsChange.Write((c is null ? 1 : int.Parse(c.Value, CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture)), 0), CancellationToken.None));
        await ReportAsync("RateLimit (leaky, 1,000 keys)", duration, async i =>
            await limiter.CheckAsync(new RateLimitRequest("192.0.2." + (i % 1000), 100, TimeSpan.FromHours(1)), CancellationToken.None));
        await ReportAsync("RateLimit (strict, 1 key)", duration, async i =>
            await limiter.CheckAsync(new RateLimitRequest("one", 1e9, TimeSpan.FromHours(1)) { Mode = RateLimitMode.Strict }, CancellationToken.None));
        await ReportAsync("lookup (hit), 4 callers at once", duration, async i => await store.GetAsync(HintsDatabases.Retry, Key(i % Records), CancellationToken.None), callers: 4);
        await ReportAsync("RateLimit (leaky), 4 callers at once", duration, async i =>
            await limiter.CheckAsync(new RateLimitRequest("192.0.2." + (i % 1000), 100, TimeSpan.FromHours(1)), CancellationToken.None), callers: 4);
        return 0;
    }

    public static async Task<int> RetryScaleAsync(int messages)
    {
        var answers = ScriptedSmtpServer.Answers();
        await using var sink = new ScriptedSmtpServer(answers);
        var perMessage = new List<double>();
        foreach (var records in new[] { 10, Records, 10, Records })
        {
            await using var daemon = await TestDaemon.StartAsync(DeliveryBench.Config(sink.Port, queueOnly: true));
            await DeliveryBench.SendAsync(daemon.Port, messages, 1024);
            await daemon.StopAsync();
            var dir = daemon.Directory;
            using (var store = new SqliteHintsStore(dir.Combine("spool"), NullLogger.Instance))
            {
                var db = new RetryDatabase(store, dir.Combine("spool"));
                var now = DateTimeOffset.UtcNow;
                var changes = new Dictionary<string, RetryRecord?>();
                for (var i = 0; i < records; i++) changes[Key(i)] = new RetryRecord(Key(i), now.AddHours(-1), now, now.AddHours(1), false, 111, "Connection refused");
                await db.UpdateAsync(changes, CancellationToken.None);
            }
            var watch = Stopwatch.StartNew();
            var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", dir.Combine("exim.toml"), "-q");
            var elapsed = watch.Elapsed;
            if (code != 0) throw new InvalidOperationException(stderr);
            var delivered = daemon.CountLog(" Completed");
            if (delivered != messages) throw new InvalidOperationException($"{delivered} of {messages} delivered:\n{daemon.MainLog}");
            var ms = elapsed.TotalMilliseconds / messages;
            perMessage.Add(ms);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"exim -q, {messages} messages to a local SMTP sink, {records,6} other retry records: {elapsed.TotalSeconds:F2}s = {ms:F3} ms per message (includes the process start)"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"per message, 10,000 records / 10 records (second runs): {perMessage[3] / perMessage[2]:F2}"));
        return 0;
    }

    private static string Key(int i) => $"T:mx{i}.example:192.0.2.{i % 250}:25";

    private static async Task ReportAsync(string what, TimeSpan duration, Func<int, ValueTask> operation, int callers = 1)
    {
        for (var i = 0; i < 1000; i++) await operation(i); // warm up
        var stop = Stopwatch.StartNew();
        var counts = await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
        {
            var n = 0;
            while (stop.Elapsed < duration) await operation(c * 1_000_000 + n++);
            return n;
        })));
        var total = counts.Sum();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what,-40} {total / stop.Elapsed.TotalSeconds,12:N0} /s  {stop.Elapsed.TotalMilliseconds * 1000 * callers / total,8:F2} µs each"));
    }
}
