using System.Collections.Immutable;
using System.Text;
using Exim.Mail.Spool;

namespace Exim.Host.Tests.Delivery;

public sealed class SpoolHeaderTests
{
    private const string Exim = "1xVuNW-1YoJY9-0n-H\nexim 93 93\n<a@b.example>\n1795541546 0\n-received_protocol esmtp\n-body_linecount 3\n"
        + "-frozen 1795541600\nYY m@x.example\nNN a@x.example\nYN z@x.example\nNN y@x.example\n5\na@x.example\nm@x.example\ny@x.example\nz@x.example\nq@x.example\n\n"
        + "010F From: a@b\n020  Subject: two\n\tlines\n";

    [Fact]
    public void Parse_TreeFlagsAndHeaders_AsEximWritesThem()
    {
        var h = SpoolHeaderFile.Parse(Exim)!;

        Assert.Equal("a@b.example", h.Sender);
        Assert.Equal<string>(["a@x.example", "m@x.example", "y@x.example", "z@x.example"], h.NonRecipients);
        Assert.Equal<string>(["q@x.example"], h.Pending);
        Assert.True(h.Frozen);
        Assert.Equal<SpoolHeaderLine>([new SpoolHeaderLine('F', "From: a@b\n"), new SpoolHeaderLine(' ', "Subject: two\n\tlines\n")], h.Headers);
        Assert.Equal<string>(["-received_protocol esmtp", "-body_linecount 3"], h.Options);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(7)]
    public void Format_ThenParse_KeepsEverything(int done)
    {
        var parsed = SpoolHeaderFile.Parse(Exim)!;
        var recipients = Enumerable.Range(0, 8).Select(i => $"r{i}@x.example").ToImmutableArray();
        var header = parsed with
        {
            Recipients = recipients,
            NonRecipients = recipients.Take(done).ToImmutableSortedSet(StringComparer.Ordinal),
            FrozenAt = null,
        };

        var text = SpoolHeaderFile.Format(header);
        var again = SpoolHeaderFile.Parse(text)!;

        Assert.Equal<string>(header.NonRecipients, again.NonRecipients);
        Assert.Equal<string>(header.Recipients, again.Recipients);
        Assert.Equal<SpoolHeaderLine>(header.Headers, again.Headers);
        Assert.False(again.Frozen);
        Assert.Equal(text, SpoolHeaderFile.Format(again));
        Assert.Equal(done == 0, text.Contains("\nXX\n", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BrokenTree_IsNotAHeaderFile()
        => Assert.Null(SpoolHeaderFile.Parse(Exim.Replace("YN z@x.example", "YY z@x.example", StringComparison.Ordinal)));

    [Fact]
    public void Format_HeaderLengthsCountBytes()
    {
        var text = SpoolHeaderFile.Format(SpoolHeaderFile.Parse(Exim)! with { Headers = [new SpoolHeaderLine(' ', "X-Note: caf\u00e9\n")] });
        Assert.EndsWith("013  X-Note: caf\u00e9\n", text, StringComparison.Ordinal);
        Assert.Equal(13, Encoding.Latin1.GetByteCount("X-Note: caf\u00e9\n"));
    }
}
