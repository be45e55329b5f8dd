using Exim.Abstractions.Policy;
using Exim.Mail.Hints;
using Exim.Mail.Policy;
using Exim.Mail.Retry;
using Exim.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Hints;

/// <summary><c>exim --dumpdb</c> and <c>exim --tidydb</c> as real processes, on a store written by the core's own classes.</summary>
public sealed class HintsCommandTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new("exim-hints");
    private readonly string _config;

    public HintsCommandTests() => _config = _dir.Write("exim.toml", TestDaemon.SmtpConfig());

    private string Spool => _dir.Combine("spool");

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => EximProcess.RunAsync(_dir.Path, ["-C", _config, .. args]);

    [Fact]
    public async Task DumpDb_Retry_PrintsEximsTwoLinesPerRecord()
    {
        using (var store = new SqliteHintsStore(Spool, new LinesLogger()))
        {
            await new RetryDatabase(store, Spool).UpdateAsync(new Dictionary<string, RetryRecord?>
            {
                ["T:mx.example:192.0.2.1:25"] = new("T:mx.example:192.0.2.1:25", T0.AddHours(-1), T0, T0.AddDays(4), true, 111, "Connection refused"),
                ["A:erin@tempfail.example"] = new("A:erin@tempfail.example", T0, T0.AddMinutes(1), T0.AddMinutes(16), false, -44,
                    "SMTP error from remote mail server after RCPT TO:<erin@tempfail.example>: 451 4.7.1 try again later"),
            }, CancellationToken.None);
        }

        var (code, stdout, stderr) = await RunAsync("--dumpdb", "-z", "retry");
        var (keysCode, keys, _) = await RunAsync("--dumpdb", "-k", "retry");

        Assert.True(code == 0, stderr);
        Assert.Equal("""
              A:erin@tempfail.example -44 0 SMTP error from remote mail server after RCPT TO:<erin@tempfail.example>: 451 4.7.1 try again later
            24-Nov-2026 12:00:00  24-Nov-2026 12:01:00  24-Nov-2026 12:16:00 
              T:mx.example:192.0.2.1:25 111 0 Connection refused
            24-Nov-2026 11:00:00  24-Nov-2026 12:00:00  28-Nov-2026 12:00:00 *

            """, stdout);
        Assert.Equal(0, keysCode);
        Assert.Equal("  A:erin@tempfail.example\n  T:mx.example:192.0.2.1:25\n", keys);
    }

    [Fact]
    public async Task DumpDb_RateLimit_PrintsTimeRateAndKey_WithTheFilterOfUniqueKeys()
    {
        var time = new FakeTimeProvider(T0.AddTicks(1_234_560));
        using (var store = new SqliteHintsStore(Spool, new LinesLogger(), time))
        {
            var limiter = new HintsRateLimiter(store, time);
            await limiter.CheckAsync(new RateLimitRequest("192.0.2.1", 10, TimeSpan.FromHours(1)), CancellationToken.None);
            await limiter.CheckAsync(new RateLimitRequest("192.0.2.1", 10, TimeSpan.FromHours(1)) { Unit = RateLimitUnit.PerRecipient, Unique = "a@example.com" },
                CancellationToken.None);
            await limiter.CheckAsync(new RateLimitRequest("sender@example.com", 5000, TimeSpan.FromDays(1)) { Unit = RateLimitUnit.PerByte, Count = 1234.5678 },
                CancellationToken.None);
        }

        var (code, stdout, stderr) = await RunAsync("--dumpdb", "-z", "ratelimit");

        Assert.True(code == 0, stderr);
        Assert.Equal("""
            24-Nov-2026 12:00:00.123456 rate:   1234.568 key: 1d/per_mail/sender@example.com
            24-Nov-2026 12:00:00.123456 rate:      1.000 key: 1h/per_mail/192.0.2.1
            24-Nov-2026 12:00:00.123456 rate:      1.000 epoch: 24-Nov-2026 12:00:00 size: 40 key: 1h/per_rcpt/unique/192.0.2.1

            """, stdout);
    }

    [Fact]
    public async Task TidyDb_DeletesRecordsNotWrittenForThirtyDays_OrTheTimeGiven()
    {
        var old = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(-31));
        using (var store = new SqliteHintsStore(Spool, new LinesLogger(), old))
        {
            await store.PutAsync("retry", "T:old.example:192.0.2.9:25", "0\t0\t0\t1\t111\tConnection refused", CancellationToken.None);
            await store.PutAsync("ratelimit", "1h/per_mail/192.0.2.9", "0 0 1", CancellationToken.None);
            old.Advance(TimeSpan.FromDays(29));
            await store.PutAsync("retry", "R:two-days.example", "0\t0\t0\t0\t-1\trouting", CancellationToken.None);
        }
        using (var store = new SqliteHintsStore(Spool, new LinesLogger()))
        {
            await store.PutAsync("retry", "T:new.example:192.0.2.1:25", "0\t0\t0\t0\t111\tConnection refused", CancellationToken.None);
        }

        var (code, stdout, stderr) = await RunAsync("--tidydb", "retry");
        var (shortCode, shortOut, _) = await RunAsync("--tidydb", "-t", "1d", "-f", "retry");
        var (_, left, _) = await RunAsync("--dumpdb", "-k", "retry");
        var (_, rates, _) = await RunAsync("--dumpdb", "-k", "ratelimit");

        Assert.True(code == 0, stderr);
        var spool = Path.GetFullPath(Spool);
        Assert.Equal($"Tidying Exim hints database {spool}/db/retry\ndeleted T:old.example:192.0.2.9:25 (too old)\nTidying complete\n", stdout);
        Assert.Equal(0, shortCode);
        Assert.Equal($"Tidying Exim hints database {spool}/db/retry\ndeleted R:two-days.example (too old)\nTidying complete\n", shortOut);
        Assert.Equal("  T:new.example:192.0.2.1:25\n", left);
        Assert.Equal("  1h/per_mail/192.0.2.9\n", rates); // another database: untouched
    }

    [Theory]
    [InlineData("--dumpdb")]
    [InlineData("--dumpdb", "retry", "ratelimit")]
    [InlineData("--dumpdb", "-x", "retry")]
    [InlineData("--tidydb", "-t", "soon", "retry")]
    [InlineData("--tidydb", "../retry")]
    public async Task BadArguments_PrintTheUsage(params string[] args)
    {
        var (code, _, stderr) = await RunAsync(args);

        Assert.Equal(1, code);
        Assert.StartsWith($"usage: exim {args[0]} ", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
