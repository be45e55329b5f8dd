using Exim.Host.Cli;
using Exim.Mail.Submission;

namespace Exim.Host.Tests.Submission;

/// <summary>The sendmail options Exim takes (exim.c), as sendmail's callers pass them.</summary>
public sealed class SendmailOptionTests
{
    private static CommandLine Parse(params string[] args)
    {
        var r = CommandLineParser.Parse(args);
        Assert.True(r.CommandLine is not null, r.Error);
        return r.CommandLine!;
    }

    [Fact]
    public void Recipients_WithoutAMode_ReadAMessage()
    {
        var cl = Parse("-oi", "-f", "alice@example.com", "-F", "Alice Example", "bob@example.com", "carol@example.com");
        Assert.Equal(Mode.Submit, cl.Mode);
        Assert.False(cl.DotEnds);
        Assert.Equal("alice@example.com", cl.SubmitSender);
        Assert.Equal("Alice Example", cl.SubmitFullName);
        Assert.Equal<string>(["bob@example.com", "carol@example.com"], cl.Arguments);
        Assert.Equal(SubmissionDelivery.Default, cl.Delivery);
    }

    [Theory]
    [InlineData("-odb", "Background")]
    [InlineData("-odi", "Interactive")]
    [InlineData("-odf", "Interactive")]
    [InlineData("-odq", "QueueOnly")]
    public void DeliveryModes(string option, string delivery) => Assert.Equal(delivery, Parse("-bm", option, "-t").Delivery.ToString());

    [Fact]
    public void AttachedValues_AndTheCompatibilityNoOps_AreAccepted()
    {
        var cl = Parse("-t", "-oem", "-B8BITMIME", "-B", "7BIT", "-U", "-om", "-m", "-h", "3", "-ee", "-ralice@example.com", "-FAlice", "-i");
        Assert.Equal(Mode.Submit, cl.Mode);
        Assert.True(cl.ExtractRecipients);
        Assert.False(cl.DotEnds);
        Assert.Equal("alice@example.com", cl.SubmitSender);
        Assert.Equal("Alice", cl.SubmitFullName);
        Assert.True(Parse("-ti").ExtractRecipients);
        Assert.False(Parse("-ti").DotEnds);
        Assert.Equal("", Parse("-f", "", "-t").SubmitSender);
    }

    [Theory]
    [InlineData("-B", "BINARYMIME", "user@example.com")]
    [InlineData("-h", "many", "user@example.com")]
    [InlineData("-odx", "user@example.com")]
    [InlineData("-t", "-f")]
    public void BadValues_AreRefused(params string[] args)
    {
        var r = CommandLineParser.Parse(args);
        Assert.Null(r.CommandLine);
        Assert.StartsWith("exim abandoned: unknown, malformed, or incomplete option", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void SmtpOnStdin_IsItsOwnMode() => Assert.Equal(Mode.SmtpInput, Parse("-bs").Mode);
}
