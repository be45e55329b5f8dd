using System.Text;
using Exim.Mail.Transports.Smtp;

namespace Exim.Host.Tests.Delivery;

public sealed class DotStufferTests
{
    private static string Stuff(params string[] chunks)
    {
        var stuffer = new DotStuffer();
        var sb = new StringBuilder();
        foreach (var chunk in chunks)
        {
            var input = Encoding.Latin1.GetBytes(chunk);
            var output = new byte[DotStuffer.MaxOutput(input.Length)];
            sb.Append(Encoding.Latin1.GetString(output, 0, stuffer.Convert(input, output)));
        }
        return sb.Append(Encoding.Latin1.GetString(stuffer.Terminator)).ToString();
    }

    [Fact]
    public void LeadingDots_AreDoubled_AndLineEndsBecomeCrLf()
        => Assert.Equal("a\r\n..b\r\n...\r\n..\r\nc.d\r\n.\r\n", Stuff("a\n.b\n..\n.\nc.d\n"));

    [Fact]
    public void LineStartCarriesAcrossChunks()
        => Assert.Equal("x\r\n..y\r\nz..\r\n.\r\n", Stuff("x\n", ".y\nz", "..\n"));

    [Fact]
    public void TextWithoutFinalNewline_GetsOneBeforeTheDot()
        => Assert.Equal("end\r\n.\r\n", Stuff("end"));

    [Fact]
    public void EmptyText_IsJustTheDot() => Assert.Equal(".\r\n", Stuff());
}
