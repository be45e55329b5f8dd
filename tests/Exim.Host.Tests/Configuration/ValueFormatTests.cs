using Exim.Host.Configuration.Values;

namespace Exim.Host.Tests.Configuration;

public sealed class ValueFormatTests
{
    [Theory]
    [InlineData("0", 0, "0s")]
    [InlineData("90", 90, "1m30s")]
    [InlineData("1h30m", 5400, "1h30m")]
    [InlineData("1w2d3h4m5s", 788645, "1w2d3h4m5s")]
    public void EximTime_ParsesAndPrintsLikeExim(string text, int seconds, string printed)
    {
        Assert.True(EximTime.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
        Assert.Equal(printed, EximTime.Format(value.Value));
    }

    [Theory]
    [InlineData("100ms", 100, "100ms")]
    [InlineData("1s500ms", 1500, "1s500ms")]
    [InlineData("2m", 120_000, "2m")]
    public void EximTime_AcceptsMilliseconds(string text, int milliseconds, string printed)
    {
        Assert.True(EximTime.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), value);
        Assert.Equal(printed, EximTime.Format(value.Value));
    }

    [Theory]
    [InlineData("")]
    [InlineData("5ms5")]
    [InlineData("5q")]
    [InlineData("1h30")]
    [InlineData("m")]
    [InlineData("-5s")]
    public void EximTime_RejectsMalformed(string text) => Assert.False(EximTime.TryParse(text, out _));

    [Theory]
    [InlineData("50M", 52428800L, "50M")]
    [InlineData("1536", 1536L, "1536")]
    [InlineData("2048", 2048L, "2K")]
    [InlineData("0", 0L, "0")]
    public void EximSize_ParsesAndPrintsLikeExim(string text, long bytes, string printed)
    {
        Assert.True(EximSize.TryParse(text, out var value));
        Assert.Equal(bytes, value);
        Assert.Equal(printed, EximSize.Format(value));
    }

    [Theory]
    [InlineData("a : b : c", new[] { "a", "b", "c" })]
    [InlineData("<; ::1 ; 127.0.0.1", new[] { "::1", "127.0.0.1" })]
    [InlineData("fe80::::1 : x", new[] { "fe80::1", "x" })]
    [InlineData("<, a, b", new[] { "a", "b" })]
    [InlineData(" : a :: : ", new[] { "a :" })]
    public void EximList_ParsesSeparatorsAndDoubling(string text, string[] items)
        => Assert.Equal(items, EximList.Parse(text));

    [Fact]
    public void EximList_FormatsWithSemicolonWhenAnItemHasAColon()
    {
        Assert.Equal("<; ::0 ; 0.0.0.0", EximList.Format(["::0", "0.0.0.0"]));
        Assert.Equal("a : b", EximList.Format(["a", "b"]));
    }
}
