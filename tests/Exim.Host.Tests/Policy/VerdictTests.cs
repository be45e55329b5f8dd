using Exim.Abstractions.Scripting;

namespace Exim.Host.Tests.Policy;

/// <summary>The verdicts' own checks: a bad code, status or header fails the script (which defers its stage) instead of reaching a client.</summary>
public sealed class VerdictTests
{
    [Theory]
    [InlineData(550)]
    [InlineData(399)]
    public void Defer_WithACodeThatIsNot4xx_Throws(int code)
        => Assert.Throws<ArgumentOutOfRangeException>(() => Verdict.Defer("x", code: code));

    [Theory]
    [InlineData("4.7.1")]
    [InlineData("5.7")]
    [InlineData("5.7.1x")]
    [InlineData("5.1234.1")]
    public void Reject_WithAStatusThatIsNot5xy_Throws(string status)
        => Assert.Throws<ArgumentException>(() => Verdict.Reject("x", status: status));

    [Theory]
    [InlineData("X Bad", "v")]
    [InlineData("X-Colon:", "v")]
    [InlineData("", "v")]
    [InlineData("X-Ok", "line\nnot folded")]
    [InlineData("X-Ok", "bare\rcr")]
    public void AddHeader_ThatCannotBeAHeaderLine_Throws(string name, string value)
        => Assert.ThrowsAny<ArgumentException>(() => Verdict.Accept.AddHeader(name, value));

    [Fact]
    public void Modifiers_AccumulateOnACopy_AndLeaveTheSharedAcceptAlone()
    {
        var verdict = Verdict.Accept.AddHeader("X-A", "1").AddHeader("X-B", "folded\r\n\tvalue").RemoveHeader("X-C").InQueue("bulk").Freeze().WithLog("seen");

        Assert.Equal(["X-A: 1", "X-B: folded\n\tvalue"], verdict.AddedHeaders.ToArray());
        Assert.Equal(["X-C"], verdict.RemovedHeaders.ToArray());
        Assert.Equal(("bulk", false, true, "seen"), (verdict.Queue, verdict.QueueOnly, verdict.Frozen, verdict.LogText));
        Assert.True(verdict.WithQueueOnly().QueueOnly);
        Assert.Empty(Verdict.Accept.AddedHeaders);
        Assert.Null(Verdict.Accept.Queue);
    }

    [Fact]
    public void DropWith_TakesA4xxOr5xxCode_AndAMatchingStatus()
    {
        Assert.Equal(421, Verdict.DropWith("bye", status: "4.7.0", code: 421).Code);
        Assert.Equal("5.7.1", Verdict.DropWith("bye", status: "5.7.1").Status);
        Assert.Throws<ArgumentException>(() => Verdict.DropWith("bye", status: "5.7.1", code: 421));
        Assert.Throws<ArgumentOutOfRangeException>(() => Verdict.DropWith("bye", code: 250));
    }
}
