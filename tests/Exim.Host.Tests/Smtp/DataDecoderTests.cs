using System.Text;
using Exim.Mail.Smtp.Protocol;

namespace Exim.Host.Tests.Smtp;

public sealed class DataDecoderTests
{
    /// <summary>Decodes <paramref name="chunks"/> (Latin-1) in order: the spool form, whether DATA ended, and what is left over.</summary>
    internal static (string Content, bool Ended, string Remainder, DataDecoder Decoder) Decode(IEnumerable<string> chunks, bool localInput = false)
    {
        var decoder = new DataDecoder(localInput);
        var content = new StringBuilder();
        var rest = new StringBuilder();
        foreach (var chunk in chunks)
        {
            var input = Encoding.Latin1.GetBytes(chunk);
            if (decoder.Ended)
            {
                rest.Append(chunk);
                continue;
            }
            var output = new byte[DataDecoder.MaxOutput(input.Length)];
            decoder.Decode(input, output, out var consumed, out var written);
            content.Append(Encoding.Latin1.GetString(output, 0, written));
            rest.Append(Encoding.Latin1.GetString(input, consumed, input.Length - consumed));
        }
        return (content.ToString(), decoder.Ended, rest.ToString(), decoder);
    }

    private static IEnumerable<string> Bytewise(string s) => s.Select(c => c.ToString());

    [Fact]
    public void CrLfDotCrLf_EndsTheMessage_AndWhatFollowsIsLeftForTheCommandReader()
    {
        var (content, ended, rest, _) = Decode(["Subject: x\r\n\r\nbody\r\n.\r\nMAIL FROM:<a@b.example>\r\n"]);

        Assert.True(ended);
        Assert.Equal("Subject: x\n\nbody\n", content);
        Assert.Equal("MAIL FROM:<a@b.example>\r\n", rest);
    }

    [Fact]
    public void DotCrLf_RightAfterTheDataCommand_IsAnEmptyMessage()
    {
        var (content, ended, rest, _) = Decode([".\r\nQUIT\r\n"]);
        Assert.Equal(("", true, "QUIT\r\n"), (content, ended, rest));
    }

    // The SMTP smuggling variants (CVE-2023-51766 and friends): none of them may end DATA, in one packet or byte by byte.
    [Theory]
    [InlineData("body\n.\nMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    [InlineData("body\n.\r\nMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    [InlineData("body\r\n.\nMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    [InlineData("body\r.\rMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    [InlineData("body\r\n.\rMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    [InlineData("body\r.\r\nMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    [InlineData("body\n.\rMAIL FROM:<forged@example.org>\r\n", "body\n\nMAIL FROM:<forged@example.org>\n")]
    public void BareLfOrCrAroundADot_NeverEndsData(string wire, string stored)
    {
        foreach (var chunks in new[] { [wire], Bytewise(wire) })
        {
            var (content, ended, rest, _) = Decode(chunks);
            Assert.False(ended);
            Assert.Equal("", rest);
            Assert.Equal(stored, content);
        }
        var (afterRealEnd, endedAfter, restAfter, _) = Decode([wire + ".\r\nQUIT\r\n"]);
        Assert.True(endedAfter);
        Assert.Equal(stored, afterRealEnd);
        Assert.Equal("QUIT\r\n", restAfter);
    }

    [Fact]
    public void BareLineEnds_AreCounted()
    {
        var (_, _, _, decoder) = Decode(["a\nb\rc\r\nd\n.\r\n"]);
        Assert.Equal((2L, 1L), (decoder.BareLf, decoder.BareCr));
    }

    [Fact]
    public void LeadingDots_AreUnstuffed_AtEveryLineStart()
        => Assert.Equal("a\n.b\nc\n.\nd\n", Decode(["a\r\n..b\r\nc\n..\r\n.d\r\n.\r\n"]).Content);

    [Fact]
    public void TheEnd_IsFoundWhateverTheSplit()
    {
        const string wire = "x\r\n..\r\ny\r\n.\r\nQUIT\r\n";
        var (content, ended, rest, _) = Decode(Bytewise(wire));
        Assert.Equal(("x\n.\ny\n", true, "QUIT\r\n"), (content, ended, rest));
    }

    [Fact]
    public void LocalInput_TakesLfAsALineEnd_AndDotLfAsTheEnd()
    {
        var (content, ended, rest, decoder) = Decode(["Subject: t\n\nbody\n.\nQUIT\n"], localInput: true);
        Assert.Equal(("Subject: t\n\nbody\n", true, "QUIT\n", 0L), (content, ended, rest, decoder.BareLf));
    }

    [Fact]
    public void OutputShorterThanMaxOutput_IsRefused()
        => Assert.Throws<ArgumentException>(() => new DataDecoder().Decode("ab"u8, new byte[2], out _, out _));
}
