using System.Text;
using Exim.Mail.Smtp.Protocol;

namespace Exim.Host.Tests.Smtp;

public sealed class SmtpCommandParserTests
{
    private static (SmtpVerb Verb, string Argument, bool Nul) Parse(string latin1)
    {
        var line = Encoding.Latin1.GetBytes(latin1);
        var c = SmtpCommandParser.Parse(line);
        return (c.Verb, Encoding.Latin1.GetString(c.Argument(line)), c.HasNul);
    }

    [Theory]
    [InlineData("EHLO client.example", "Ehlo", "client.example")]
    [InlineData("ehlo   client.example  ", "Ehlo", "client.example")]
    [InlineData("HeLo x", "Helo", "x")]
    [InlineData("MAIL FROM:<a@b.example> SIZE=10", "Mail", "FROM:<a@b.example> SIZE=10")]
    [InlineData("rcpt TO:<a@b.example>", "Rcpt", "TO:<a@b.example>")]
    [InlineData("DATA", "Data", "")]
    [InlineData("DATA \t ", "Data", "")]
    [InlineData("QUIT\r", "Quit", "")]
    [InlineData("RSET", "Rset", "")]
    [InlineData("NOOP x", "Noop", "x")]
    [InlineData("VRFY bob", "Vrfy", "bob")]
    [InlineData("EXPN list", "Expn", "list")]
    [InlineData("HELP", "Help", "")]
    public void KnownVerbs_AreRecognizedWithTheirArgument(string line, string verb, string argument)
        => Assert.Equal((Enum.Parse<SmtpVerb>(verb), argument, false), Parse(line));

    [Theory]
    [InlineData("DATAX")]
    [InlineData("DAT")]
    [InlineData("")]
    [InlineData("MAIL\tFROM:<a@b>")]
    [InlineData("FOO bar")]
    [InlineData("\u0000ATA")]
    public void OtherLines_AreUnknown_WithTheWholeLineAsArgument(string line)
    {
        var (verb, argument, _) = Parse(line);
        Assert.Equal(SmtpVerb.Unknown, verb);
        Assert.Equal(line.TrimEnd(' ', '\t', '\r'), argument);
    }

    [Fact]
    public void Nul_IsReported()
        => Assert.Equal((SmtpVerb.Noop, "a\0b", true), Parse("NOOP a\0b"));
}
