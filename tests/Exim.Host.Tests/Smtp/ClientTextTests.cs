using System.Text;
using Exim.Mail.Text;

namespace Exim.Host.Tests.Smtp;

public sealed class ClientTextTests
{
    private static string Printing(params byte[] bytes) => ClientText.Printing(bytes);

    [Theory]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("a\rb", "a\\rb")]
    [InlineData("a\bb\vc\fd", "a\\bb\\vc\\fd")]
    [InlineData("a\0b", "a\\000b")]
    [InlineData("\u001b[31mred", "\\033[31mred")]
    [InlineData("del\u007f", "del\\177")]
    [InlineData("tab\tstays", "tab\tstays")]
    [InlineData("back\\slash", "back\\slash")]
    public void ControlBytes_AreEscapedAsEximsStringPrinting(string latin1, string expected)
        => Assert.Equal(expected, ClientText.Printing(latin1));

    [Fact]
    public void ForReplies_TabIsEscapedToo()
        => Assert.Equal("a\\tb\\r", ClientText.Printing("a\tb\r", escapeTab: true));

    [Fact]
    public void PlainText_ComesBackAsTheSameInstance()
    {
        const string text = "MAIL FROM:<a@example.org>";
        Assert.Same(text, ClientText.Printing(text));
    }

    [Fact]
    public void ValidUtf8_IsDecoded_SoAUtf8WriterReproducesTheBytes()
    {
        var sent = Encoding.UTF8.GetBytes("jérôme 日本 😀");

        var text = ClientText.Printing(sent);

        Assert.Equal("jérôme 日本 😀", text);
        Assert.Equal(sent, Encoding.UTF8.GetBytes(text));
        Assert.Equal(sent, ClientText.GetBytes(text));
    }

    [Fact]
    public void InvalidUtf8_BecomesLoneSurrogates_ThatEncodeBackToTheSameBytes()
    {
        byte[] sent = [(byte)'j', 0xE9, (byte)'r', 0xF4, (byte)'m', 0xE9, 0xC3]; // Latin-1 "jérôm" and a truncated sequence

        var text = ClientText.Printing(sent);

        Assert.Equal("j\uDCE9r\uDCF4m\uDCE9\uDCC3", text);
        Assert.Equal(sent, ClientText.GetBytes(text));
    }

    [Fact]
    public void EncodedC1ControlsAndLineSeparators_AreEscapedByteByByte()
    {
        // U+0085 NEL, U+2028 LINE SEPARATOR, U+202E RIGHT-TO-LEFT OVERRIDE: all could disguise or break a log line.
        Assert.Equal("a\\302\\205b\\342\\200\\250c\\342\\200\\256", Printing([.. "a"u8, 0xC2, 0x85, .. "b"u8, 0xE2, 0x80, 0xA8, .. "c"u8, 0xE2, 0x80, 0xAE]));
    }

    [Fact]
    public void Latin1StringForm_MatchesTheByteForm()
    {
        byte[] sent = [.. "x"u8, 0xC3, 0xA9, 0x01, 0xFF];
        Assert.Equal(Printing(sent), ClientText.Printing(Encoding.Latin1.GetString(sent)));
    }

    [Fact]
    public void GetBytes_EncodesOurOwnTextAsUtf8()
        => Assert.Equal(Encoding.UTF8.GetBytes("250 héllo"), ClientText.GetBytes("250 héllo"));
}
