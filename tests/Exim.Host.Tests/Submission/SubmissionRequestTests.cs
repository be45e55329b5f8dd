using Exim.Abstractions.Config;
using Exim.Mail.Submission;

namespace Exim.Host.Tests.Submission;

/// <summary>The request's values as Exim's exim.c takes -f and -F, checked by the client and again by the daemon.</summary>
public sealed class SubmissionRequestTests
{
    private static SubmissionRequest Request(string? sender = null, string? name = null, params string[] recipients)
        => new(SubmissionMode.Message, sender, name, false, [.. recipients.DefaultIfEmpty("user@test.example")], SubmissionDelivery.Default);

    [Theory]
    [InlineData("alerts@corp.example", "alerts@corp.example")]
    [InlineData("<alerts@corp.example>", "alerts@corp.example")]
    [InlineData("Alerts <alerts@corp.example>", "alerts@corp.example")]
    [InlineData("alerts@corp.example (the alerts)", "alerts@corp.example")]
    [InlineData("alerts@corp.example.", "alerts@corp.example")]
    [InlineData("alerts", "alerts")]
    [InlineData("<>", "")]
    [InlineData("", "")]
    public void DashF_IsParsedAsEximDoes(string argument, string expected)
    {
        var request = Request(argument).Validated(out var error);
        Assert.True(request is not null, error);
        Assert.Equal(expected, request.Sender);
    }

    [Theory]
    [InlineData("evil@example.com H=forged")]
    [InlineData("a@b.example, c@d.example")]
    [InlineData("a b@c.example")]
    [InlineData("<a@b.example> SIZE=1")]
    public void DashF_ThatIsNotOneAddress_IsRefusedWithEximsText(string argument)
    {
        Assert.Null(Request(argument).Validated(out var error));
        Assert.StartsWith($"bad -f address \"{argument}\": malformed address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlongOrControlValues_AreRefused()
    {
        Assert.Null(Request(name: new string('x', 257)).Validated(out var error));
        Assert.Equal("length limit exceeded (257 > 256) for: -F", error);
        Assert.NotNull(Request(name: new string('x', 256)).Validated(out _));
        Assert.Null(Request(sender: new string('a', 1020) + "@b.ex").Validated(out error));
        Assert.Equal("length limit exceeded (1025 > 1024) for: -f", error);
        Assert.Null(Request(name: "Boss\rX-Injected: yes").Validated(out error));
        Assert.Equal("the -F name holds a control character", error);
        Assert.Null(Request(recipients: "a@b.example\0").Validated(out _));
    }

    [Fact]
    public void TheDaemonParses_AndValidatesAgain()
    {
        Assert.True(SubmissionRequest.TryParse([SubmissionRequest.Magic, "mode bm", "sender Owner <owner@lists.example>", "rcpt a@b.example"], out var request, out _));
        Assert.Equal("owner@lists.example", request.Sender);
        Assert.False(SubmissionRequest.TryParse([SubmissionRequest.Magic, "sender x@y.example H=me"], out _, out var error));
        Assert.StartsWith("bad -f address", error, StringComparison.Ordinal);
        Assert.False(SubmissionRequest.TryParse(["EXIM-SUBMIT 1", "rcpt a@b.example"], out _, out _)); // the unframed protocol is gone
    }

    [Theory]
    [InlineData("Boss <boss@corp.example>", "\"Boss <boss@corp.example>\"")]
    [InlineData("Doe, John", "\"Doe, John\"")]
    [InlineData("\"Doe, John\"", "\"Doe, John\"")]
    [InlineData("Say \"hi\" (me)", "\"Say \\\"hi\\\" (me)\"")]
    [InlineData("Plain Name", "Plain Name")]
    [InlineData("Jörg", "=?utf-8?b?SsO2cmc=?=")]
    public void TheName_BecomesOnePhrase(string name, string phrase) => Assert.Equal(phrase, LocalPhrase.Fix(name));

    [Fact]
    public void AGecosName_IsCutToEximsNameLimit()
        => Assert.Equal(SubmissionRequest.MaxName, LocalCaller.NameFromGecos(new string('n', 400) + ",office", "user").Length);

    [Theory]
    [InlineData("*", "", "")]
    [InlineData("*@lists.example", "", "bob@test.example")] // <> is @qualify_domain to receive_check_set_sender
    [InlineData("*@lists.example", "owner@lists.example", "owner@lists.example")]
    [InlineData("", "", "bob@test.example")]
    public void DashBs_UntrustedMailFrom_AsReceiveCheckSetSender(string untrustedSetSender, string mailFrom, string expected)
    {
        var main = new MainOptions
        {
            PrimaryHostname = "mx.test.example",
            QualifyDomain = "test.example",
            UntrustedSetSender = untrustedSetSender.Length == 0 ? [] : [untrustedSetSender],
        };
        Assert.Equal(expected, LocalSmtpRules.Sender(main, new LocalCaller("bob", 1000, 1000, "Bob", Trusted: false), mailFrom));
    }
}
