using Exim.Abstractions.Hints;
using Exim.Abstractions.Policy;
using Exim.Mail.Hints;
using Exim.Mail.Policy;
using Exim.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Hints;

/// <summary>
/// Exim's ratelimit arithmetic, checked against values worked out from acl.c's formula by hand (a = exp(-i/p),
/// rate = (1-a)*count/(i/p) + a*old, never below count), on a fake clock and a real SQLite store.
/// </summary>
public sealed class HintsRateLimiterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(T0);
    private readonly SqliteHintsStore _store;
    private readonly HintsRateLimiter _limiter;

    public HintsRateLimiterTests()
    {
        _store = new SqliteHintsStore(_dir.Path, new LinesLogger(), _time);
        _limiter = new HintsRateLimiter(_store, _time);
    }

    private static RateLimitRequest PerHour(double limit, string key = "192.0.2.1") => new(key, limit, TimeSpan.FromHours(1));

    private Task<RateLimitResult> CheckAsync(RateLimitRequest request) => _limiter.CheckAsync(request, CancellationToken.None).AsTask();

    private async Task<string?> StoredAsync(string key) => (await _store.GetAsync("ratelimit", key, CancellationToken.None))?.Value;

    [Fact]
    public async Task FirstEvent_RateIsTheCount_UnderEximsKey()
    {
        var result = await CheckAsync(PerHour(10));

        Assert.Equal(new RateLimitResult(false, 1.0, 10, TimeSpan.FromHours(1)) { StoredKey = "1h/per_mail/192.0.2.1" }, result);
        Assert.Equal($"{T0.ToUnixTimeSeconds()} 0 1", await StoredAsync("1h/per_mail/192.0.2.1"));
    }

    [Fact]
    public async Task StoreThatCannotBeOpened_Throws_RatherThanCountEveryKeyAsNew()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.Combine("db", "hints.sqlite")); // a directory where the file should be
        using var broken = new SqliteHintsStore(dir.Path, new LinesLogger(), _time);
        var limiter = new HintsRateLimiter(broken, _time);

        // Exim's acl_ratelimit: "ratelimit database not available" is a DEFER, never a pass.
        var e = await Assert.ThrowsAsync<HintsUnavailableException>(() => limiter.CheckAsync(PerHour(0), CancellationToken.None).AsTask());
        Assert.Equal("ratelimit database not available", e.Message);
    }

    [Fact]
    public async Task SecondEventSixMinutesLater_IsEximsSmoothedRate()
    {
        await CheckAsync(PerHour(10));
        _time.Advance(TimeSpan.FromMinutes(6));

        var result = await CheckAsync(PerHour(10));

        // i/p = 0.1: a = exp(-0.1) = 0.9048374180; (1 - a) / 0.1 + a * 1 = 0.9516258196 + 0.9048374180
        Assert.Equal(1.8564632376763643, result.Rate, 1e-12);
        Assert.False(result.Over);
    }

    [Fact]
    public async Task LongIntervals_DecayTheOldRate_ButNeverBelowTheCount()
    {
        await _store.PutAsync("ratelimit", "1h/per_mail/192.0.2.1", $"{T0.ToUnixTimeSeconds()} 0 5", CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(2));

        var twoHours = await CheckAsync(PerHour(10));

        // i/p = 2: a = exp(-2) = 0.1353352832; (1 - a) / 2 + a * 5 = 0.4323323584 + 0.6766764162
        Assert.Equal(1.1090087745647572, twoHours.Rate, 1e-12);

        _time.Advance(TimeSpan.FromHours(10));
        var tenHours = await CheckAsync(PerHour(10));

        Assert.Equal(1.0, tenHours.Rate); // (1 - a) / 10 + a * 1.109 = 0.1000 < 1: an isolated event is its own size per period
    }

    [Fact]
    public async Task Burst_ReachesTheLimitAfterLimitEvents_LeakyKeepsTheLastRateUnder()
    {
        var rates = new List<RateLimitResult>();
        for (var i = 0; i < 4; i++) rates.Add(await CheckAsync(PerHour(3))); // the same instant: the interval is clamped to 1e-9 s

        Assert.Equal([false, false, true, true], rates.Select(r => r.Over));
        Assert.Equal(1.0, rates[0].Rate);
        Assert.Equal(2.0, rates[1].Rate, 1e-6);
        Assert.Equal(3.0, rates[2].Rate, 1e-6); // at the limit is over it
        Assert.Equal(3.0, rates[3].Rate, 1e-6); // computed from the stored 2 again: over-limit events are not stored
        Assert.StartsWith($"{T0.ToUnixTimeSeconds()} 0 2.0000000", await StoredAsync("1h/per_mail/192.0.2.1"));
    }

    [Fact]
    public async Task Burst_Strict_StoresEveryEvent()
    {
        RateLimitResult last = default;
        for (var i = 0; i < 4; i++) last = await CheckAsync(PerHour(3) with { Mode = RateLimitMode.Strict });

        Assert.True(last.Over);
        Assert.Equal(4.0, last.Rate, 1e-6);
        Assert.StartsWith($"{T0.ToUnixTimeSeconds()} 0 4.0000", await StoredAsync("1h/per_mail/192.0.2.1"));
    }

    [Fact]
    public async Task ReadOnly_CountsNothing_AndNeverStores()
    {
        var stored = $"{T0.ToUnixTimeSeconds()} 0 4";
        await _store.PutAsync("ratelimit", "1h/per_mail/192.0.2.1", stored, CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));

        var result = await CheckAsync(PerHour(2) with { Mode = RateLimitMode.ReadOnly });

        Assert.Equal(1.4715177646857693, result.Rate, 1e-12); // a = exp(-1) = 0.3678794412; 0 + a * 4
        Assert.False(result.Over);
        Assert.Equal(stored, await StoredAsync("1h/per_mail/192.0.2.1"));
        Assert.Equal(0.0, (await CheckAsync(PerHour(2, "never.seen") with { Mode = RateLimitMode.ReadOnly })).Rate);
        Assert.Null(await StoredAsync("1h/per_mail/never.seen"));
    }

    [Fact]
    public async Task PerByte_CountsTheSize_UnderPerMail()
    {
        await _store.PutAsync("ratelimit", "1h/per_mail/sender@example.com", $"{T0.ToUnixTimeSeconds()} 0 2000", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(1));

        var result = await CheckAsync(new RateLimitRequest("sender@example.com", 1024 * 1024, TimeSpan.FromHours(1)) { Unit = RateLimitUnit.PerByte, Count = 1500 });

        // i/p = 1/60: a = 0.9834714538; (1 - a) * 1500 * 60 + a * 2000 = 1487.5691 + 1966.9429
        Assert.Equal(3454.512063697661, result.Rate, 1e-9);
        Assert.Equal("1h/per_mail/sender@example.com", result.StoredKey);
    }

    [Fact]
    public async Task ZeroLimit_BlocksTheFirstEvent()
    {
        var result = await CheckAsync(PerHour(0));

        Assert.True(result.Over);
        Assert.Null(await StoredAsync("1h/per_mail/192.0.2.1")); // leaky: over the limit is not stored
    }

    [Theory]
    [InlineData(RateLimitUnit.PerMail, null, null, "1h/per_mail/k")]
    [InlineData(RateLimitUnit.PerConnection, null, null, "1h/per_conn/k")]
    [InlineData(RateLimitUnit.PerRecipient, null, null, "1h/per_rcpt/k")]
    [InlineData(RateLimitUnit.PerCommand, null, null, "1h/per_cmd/k")]
    [InlineData(RateLimitUnit.PerByte, null, null, "1h/per_mail/k")]
    [InlineData(RateLimitUnit.PerRecipient, "60m", "rcpt@example.com", "60m/per_rcpt/unique/k")]
    public void StoredKey_IsBuiltAsEximBuildsIt(RateLimitUnit unit, string? periodText, string? unique, string expected)
        => Assert.Equal(expected, HintsRateLimiter.StoredKey(new RateLimitRequest("k", 1, TimeSpan.FromHours(1)) { Unit = unit, PeriodText = periodText, Unique = unique }));

    [Fact]
    public void StoredKey_WithoutPeriodText_PrintsThePeriodAsExim()
        => Assert.Equal("1d1h30m/per_mail/k", HintsRateLimiter.StoredKey(new RateLimitRequest("k", 1, TimeSpan.FromMinutes(1530))));

    [Fact]
    public async Task Unique_CountsEachEventOncePerPeriod()
    {
        RateLimitRequest Rcpt(string address) => PerHour(100) with { Unit = RateLimitUnit.PerRecipient, Unique = address };

        var first = await CheckAsync(Rcpt("a@example.com"));
        var repeat = await CheckAsync(Rcpt("a@example.com"));
        var other = await CheckAsync(Rcpt("b@example.com"));
        _time.Advance(TimeSpan.FromMinutes(61)); // the filter is older than the period: started anew, the rate kept
        var later = await CheckAsync(Rcpt("a@example.com"));

        Assert.Equal(1.0, first.Rate);
        Assert.Equal(1.0, repeat.Rate, 1e-6); // counted 0
        Assert.Equal(2.0, other.Rate, 1e-6);
        // i/p = 61/60: a = 0.3617989; (1 - a) * 60/61 + a * 2 = 0.6277388 + 0.7235979: counted again
        Assert.Equal(1.3513366, later.Rate, 1e-6);
        var stored = (await StoredAsync("1h/per_rcpt/unique/192.0.2.1"))!.Split(' ');
        Assert.Equal(5, stored.Length);
        Assert.Equal((T0 + TimeSpan.FromMinutes(61)).ToUnixTimeSeconds().ToString(), stored[3]); // the new filter's epoch
        Assert.Equal(200, Convert.FromBase64String(stored[4]).Length); // limit * 2 bytes
    }

    [Fact]
    public async Task Rate_SurvivesARestart_OnTheSameFile()
    {
        await CheckAsync(PerHour(10));
        _store.Dispose();
        _time.Advance(TimeSpan.FromMinutes(6));

        using var restarted = new SqliteHintsStore(_dir.Path, new LinesLogger(), _time);
        var result = await new HintsRateLimiter(restarted, _time).CheckAsync(PerHour(10), CancellationToken.None);

        Assert.Equal(1.8564632376763643, result.Rate, 1e-12);
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }
}
