using System.Text;
using Exim.Abstractions.Diagnostics;
using Exim.Host.Control;

namespace Exim.Host.Tests.Control;

/// <summary>The delivery report line a registered process sends the daemon: deltas out, counts in, bad lines refused whole.</summary>
public sealed class DeliveryReportTests
{
    /// <summary>The transports the test's "configuration" has; report_test_unknown is none of them.</summary>
    private static bool Known(string transport) => transport is "report_test_a" or "report_test_b" or "report_test_bad" or "report_test_bad2";

    [Fact]
    public void Next_SendsOnlyWhatChangedSinceTheLastLine_AndApplyAddsIt()
    {
        var sent = new Dictionary<string, DeliveryFigures>(StringComparer.Ordinal);
        var first = DeliveryReport.Next(new Dictionary<string, DeliveryFigures> { ["report_test_a"] = new(2, 1, 0), ["report_test_b"] = new(0, 0, 0) }, sent);
        Assert.Equal("{\"deliveries\":{\"report_test_a\":[2,1,0]}}\n", Encoding.UTF8.GetString(first!));
        Assert.Null(DeliveryReport.Next(new Dictionary<string, DeliveryFigures> { ["report_test_a"] = new(2, 1, 0) }, sent));
        var second = DeliveryReport.Next(new Dictionary<string, DeliveryFigures> { ["report_test_a"] = new(5, 1, 1) }, sent);
        Assert.Equal("{\"deliveries\":{\"report_test_a\":[3,0,1]}}\n", Encoding.UTF8.GetString(second!));

        Assert.True(DeliveryReport.TryApply(first.AsSpan(0, first!.Length - 1), Known));
        Assert.True(DeliveryReport.TryApply(second.AsSpan(0, second!.Length - 1), Known));
        Assert.Equal(new DeliveryFigures(5, 1, 1), EximMetrics.Snapshot().DeliveriesByTransport["report_test_a"]);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"deliveries\":{\"report_test_bad\":[1,2]}}")]
    [InlineData("{\"deliveries\":{\"report_test_bad\":[1,-2,0]}}")]
    [InlineData("{\"deliveries\":{\"report_test_bad\":[1,0,0],\"report_test_bad2\":\"x\"}}")]
    [InlineData("{\"other\":1}")]
    [InlineData("{\"deliveries\":{\"report_test_bad\":[1000001,0,0]}}")]
    [InlineData("{\"deliveries\":{\"report_test_a\":[1,0,0],\"report_test_bad\":[1,0,0],\"report_test_unknown\":[1,0,0]}}")]
    public void TryApply_MalformedLine_IsRefusedAndAddsNothing(string line)
    {
        Assert.False(DeliveryReport.TryApply(Encoding.UTF8.GetBytes(line), Known));
        Assert.False(EximMetrics.Snapshot().DeliveriesByTransport.ContainsKey("report_test_bad"));
        Assert.False(EximMetrics.Snapshot().DeliveriesByTransport.ContainsKey("report_test_unknown"));
    }
}
