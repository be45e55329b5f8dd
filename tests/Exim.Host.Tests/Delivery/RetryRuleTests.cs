using Exim.Abstractions.Config;
using Exim.Host.Delivery;
using Exim.Mail.Retry;

namespace Exim.Host.Tests.Delivery;

public sealed class RetryRuleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private static RetryRule Parse(string rules, string pattern = "*", string error = "*")
    {
        Assert.True(RetryRuleParser.TryParse(new RetryConfig { Pattern = pattern, Error = error, Rules = rules }, RetryRuleSet.ParseTime, out var rule, out var message), message);
        return rule;
    }

    [Fact]
    public void Parse_EximsDefaultRule_GivesThreeItemsInOrder()
    {
        var rule = Parse("F,2h,15m; G,16h,1h,1.5; F,4d,6h");

        Assert.Equal<RetryRuleItem>(
            [new RetryRuleItem('F', TimeSpan.FromHours(2), TimeSpan.FromMinutes(15), 1.0),
             new RetryRuleItem('G', TimeSpan.FromHours(16), TimeSpan.FromHours(1), 1.5),
             new RetryRuleItem('F', TimeSpan.FromDays(4), TimeSpan.FromHours(6), 1.0)],
            rule.Items);
        Assert.Equal(TimeSpan.FromDays(4), rule.FinalCutoff);
    }

    [Theory]
    [InlineData("X,2h,15m", "the first field must be F, G or H")]
    [InlineData("F,2h", "F takes 3 fields")]
    [InlineData("G,2h,15m", "G takes 4 fields")]
    [InlineData("F,2x,15m", "bad time value")]
    [InlineData("G,2h,15m,0.5", "the multiplier must be a number above 1")]
    [InlineData("F,4h,15m; F,2h,15m", "cutoff times must not decrease")]
    [InlineData(" ; ", "a retry rule needs at least one item")]
    public void Parse_BadRules_SayWhatIsWrong(string rules, string expected)
    {
        Assert.False(RetryRuleParser.TryParseItems(rules, RetryRuleSet.ParseTime, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_FixedItem_WaitsItsInterval()
    {
        var rule = Parse("F,2h,15m; G,16h,1h,1.5");

        var (next, expired) = rule.Next(null, T0, T0.AddMinutes(30), new Random(1));

        Assert.Equal(T0.AddMinutes(45), next);
        Assert.False(expired);
    }

    [Fact]
    public void Next_GeometricItem_GrowsTheLastGapByTheMultiplier()
    {
        var rule = Parse("F,2h,15m; G,16h,1h,1.5");
        var first = T0.AddHours(3);
        var previous = new RetryRecord("T:x", T0, first, first.AddHours(2), false, 111, "refused");

        // Tried on time: the gap was 2h, so the next is 3h away.
        var (next, _) = rule.Next(previous, T0, first.AddHours(2), new Random(1));
        Assert.Equal(first.AddHours(5), next);

        // The first failure inside the G item: the gap is at least the interval.
        var (fresh, _) = rule.Next(null, T0, T0.AddHours(3), new Random(1));
        Assert.Equal(T0.AddHours(4), fresh);
    }

    [Fact]
    public void Next_GeometricItem_UsesTheShorterOfPredictedAndActualGap()
    {
        var rule = Parse("G,16h,1h,2");
        var previous = new RetryRecord("T:x", T0, T0, T0.AddHours(4), false, 111, "refused");

        // Tried after 3h though 4h was predicted (a forced run): 3h doubled.
        var (next, _) = rule.Next(previous, T0, T0.AddHours(3), new Random(1));

        Assert.Equal(T0.AddHours(9), next);
    }

    [Fact]
    public void Next_RandomItem_StaysBetweenTheIntervalAndTheGeometricGap()
    {
        var rule = Parse("H,16h,1h,2");
        var previous = new RetryRecord("T:x", T0, T0, T0.AddHours(4), false, 111, "refused");
        var now = T0.AddHours(4);

        for (var seed = 0; seed < 20; seed++)
        {
            var (next, _) = rule.Next(previous, T0, now, new Random(seed));
            Assert.InRange(next, now.AddHours(1 + 3.5), now.AddHours(8)); // interval + half the extra, plus up to half again
        }
    }

    [Fact]
    public void Next_PastTheFinalCutoff_IsExpired()
    {
        var rule = Parse("F,2h,15m; F,4d,6h");

        var (_, expired) = rule.Next(null, T0, T0.AddDays(4).AddSeconds(1), new Random(1));

        Assert.True(expired);
    }

    [Fact]
    public void Find_MatchesPatternsAndErrorsInOrder()
    {
        var rules = new RetryRules([
            Parse("F,1h,1m", "*@special.example"),
            Parse("F,2h,2m", "*.hosts.example", "refused"),
            Parse("F,3h,3m", "bob@plain.example"),
            Parse("F,4h,4m", "*")]);

        Assert.Equal(TimeSpan.FromHours(1), rules.Find("x@special.example", "rcpt_4xx")!.FinalCutoff);
        Assert.Equal(TimeSpan.FromHours(2), rules.Find("x@other.example", "refused", "mx.hosts.example")!.FinalCutoff);
        Assert.Equal(TimeSpan.FromHours(4), rules.Find("x@other.example", "timeout", "mx.hosts.example")!.FinalCutoff);
        Assert.Equal(TimeSpan.FromHours(3), rules.Find("Bob@plain.example", "rcpt_4xx")!.FinalCutoff);
        Assert.Null(new RetryRules([Parse("F,1h,1m", "nomatch.example")]).Find("x@y.example", "*"));
    }
}
