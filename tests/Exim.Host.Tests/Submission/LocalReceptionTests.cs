using System.Text;
using Exim.Abstractions.Config;
using Exim.Host.Tests.Hints;
using Exim.Mail.Spool;
using Exim.Mail.Submission;
using Exim.TestKit;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Submission;

/// <summary>Exim's rules for a local message (exim.c, receive.c), on a real spool in a temporary directory.</summary>
public sealed class LocalReceptionTests : IDisposable
{
    private readonly TempDirectory _directory = new("exim-local");
    private readonly LinesLogger _log = new();

    private static readonly LocalCaller Nobody = new("nobody", 65534, 65534, "Nobody Here", Trusted: false);
    private static readonly LocalCaller Root = new("root", 0, 0, "root", Trusted: true);

    private MainOptions Main(MainOptions? with = null) => (with ?? new MainOptions()) with
    {
        PrimaryHostname = "mx.test.example",
        QualifyDomain = "test.example",
        QualifyRecipient = "test.example",
        SpoolDirectory = _directory.Combine("spool"),
    };

    private async Task<(SubmissionOutcome Outcome, SpoolHeader? Header)> ReceiveAsync(LocalCaller caller, string message, SubmissionRequest request, MainOptions? main = null)
    {
        var options = Main(main);
        await using var spool = new FileSpool(options.SpoolDirectory, TimeProvider.System, syncFilesystem: false);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var reception = new LocalReception(options, "4.96", spool, time, _log);
        var outcome = await reception.ReceiveAsync(caller, request, new MemoryStream(Encoding.Latin1.GetBytes(message)), CancellationToken.None)
            .WaitAsync(TestTimeouts.Default);
        var header = outcome.Message is { } m ? SpoolHeaderFile.Load(Path.Combine(spool.InputDirectory, m.Id + "-H")) : null;
        return (outcome, header);
    }

    private static SubmissionRequest To(params string[] recipients) => new(SubmissionMode.Message, null, null, false, [.. recipients], SubmissionDelivery.Default);

    private static string[] Delivered(SpoolHeader header) => [.. header.Headers.Where(h => h.Flag != SpoolHeaderFile.Deleted).Select(h => h.Text)];

    [Fact]
    public async Task FromOfJustTheLogin_IsRewrittenWithTheName_AndCrLfBecomesLf()
    {
        var (outcome, header) = await ReceiveAsync(Nobody, "From: nobody\r\nSubject: hi\r\n\r\nbody\r\n", To("user"));

        Assert.True(outcome.Accepted, outcome.Text);
        Assert.Equal<string>(["user@test.example"], header!.Recipients);
        var lines = Delivered(header);
        Assert.Equal("Received: from nobody by mx.test.example with local (Exim 4.96)\n\t(envelope-from <nobody@test.example>)\n\tid "
            + outcome.Message!.Value.Id + "\n\tfor user@test.example;\n\tMon, 30 Nov 2026 12:00:00 +0000\n", lines[0]);
        Assert.Contains("From: Nobody Here <nobody@test.example>\n", lines);
        Assert.DoesNotContain("From: nobody\n", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Sender:", StringComparison.Ordinal));
        Assert.Equal("body\n", File.ReadAllText(Path.Combine(_directory.Combine("spool", "input"), outcome.Message.Value.Id + "-D"))[(outcome.Message.Value.Id.Length + 3)..]);
        Assert.Contains(_log.Lines, l => l.Text == $"{outcome.Message.Value.Id} <= nobody@test.example U=nobody P=local S={header.Headers.Where(h => h.Flag != '*').Sum(h => h.Text.Length) + 5 + 1}");
    }

    [Theory]
    [InlineData("From: Me <nobody@test.example>", false)]
    [InlineData("From: Me <other@test.example>", true)]
    [InlineData("From: Me <nobody-lists@test.example>", false)] // local_from_suffix = ["-*"]
    [InlineData("From: Me <bounces+nobody@test.example>", false)] // local_from_prefix = ["*+"]
    [InlineData("From: a@test.example, b@test.example", true)]
    public async Task LocalFromCheck_AddsSender_OnlyWhenFromIsNotTheCaller(string from, bool sender)
    {
        var main = new MainOptions { LocalFromPrefix = ["*+"], LocalFromSuffix = ["-*"] };
        var (outcome, header) = await ReceiveAsync(Nobody, $"{from}\nSender: someone@else.example\n\nbody\n", To("user@test.example"), main);

        Assert.True(outcome.Accepted, outcome.Text);
        var lines = Delivered(header!);
        Assert.DoesNotContain("Sender: someone@else.example\n", lines); // an untrusted caller's Sender: is not delivered
        Assert.Equal(sender, lines.Contains("Sender: Nobody Here <nobody@test.example>\n"));
    }

    [Fact]
    public async Task LocalFromCheckOff_AndSenderRetain_KeepTheCallersSender()
    {
        var main = new MainOptions { LocalFromCheck = false, LocalSenderRetain = true };
        var (_, header) = await ReceiveAsync(Nobody, "From: x@y.example\nSender: someone@else.example\n\nbody\n", To("user@test.example"), main);

        Assert.Contains("Sender: someone@else.example\n", Delivered(header!));
        Assert.DoesNotContain(Delivered(header!), l => l.Contains("nobody@test.example>", StringComparison.Ordinal) && l.StartsWith("Sender", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TrustedCaller_WithF_GetsFromFromTheSender_AndNoSender()
    {
        var request = To("user@test.example") with { Sender = "<alerts@corp.example>" };
        var (_, header) = await ReceiveAsync(Root, "Subject: x\n\nbody\n", request);

        Assert.Equal("alerts@corp.example", header!.Sender);
        Assert.Contains("From: alerts@corp.example\n", Delivered(header));
        Assert.Equal("root 0 0", $"{header.Login} {header.LoginIds}");
    }

    [Fact]
    public async Task ExtractRecipients_RemovesOrAddsTheArguments_AsConfigured()
    {
        const string message = "To: a@test.example, Friends: b@test.example, c;\nCc: d@test.example\nBcc: e@test.example\n\nbody\n";
        var request = new SubmissionRequest(SubmissionMode.Message, null, null, true, ["a@test.example", "x@test.example"], SubmissionDelivery.Default);

        var (_, removed) = await ReceiveAsync(Nobody, message, request);
        Assert.Equal<string>(["b@test.example", "c@test.example", "d@test.example", "e@test.example"], removed!.Recipients);
        Assert.Contains(removed.Headers, h => h.Flag == SpoolHeaderFile.Deleted && h.Text.StartsWith("Bcc:", StringComparison.Ordinal));

        var (_, added) = await ReceiveAsync(Nobody, message, request, new MainOptions { ExtractAddressesRemoveArguments = false });
        Assert.Equal<string>(["a@test.example", "x@test.example", "b@test.example", "c@test.example", "d@test.example", "e@test.example"], added!.Recipients);
    }

    [Fact]
    public async Task TooBig_IsRefusedWith552_AndLeavesNothingInTheSpool()
    {
        var (outcome, _) = await ReceiveAsync(Nobody, "Subject: big\n\n" + new string('x', 5000) + "\n", To("user@test.example"), new MainOptions { MessageSizeLimit = 1000 });

        Assert.Equal(552, outcome.Code);
        Assert.Equal("message too big (max=1000)", outcome.Text);
        Assert.Contains(_log.Lines, l => l.Text == "rejected from <nobody@test.example> U=nobody: message too big: read=1001 max=1000");
        Assert.Empty(Directory.GetFiles(_directory.Combine("spool", "input")));
    }

    [Fact]
    public void UntrustedSetSender_IsAnAddressList()
    {
        var reception = new LocalReception(Main(new MainOptions { UntrustedSetSender = ["!bad@lists.example", "*@lists.example", "^[a-z]+-bounces@corp\\.example$", "me@@"] }),
            "4.96", null!, TimeProvider.System, _log);
        Assert.Equal(("owner@lists.example", true), reception.SenderFor(Nobody, "owner@lists.example"));
        Assert.Equal(("nobody@test.example", false), reception.SenderFor(Nobody, "bad@lists.example"));
        Assert.Equal(("list-bounces@corp.example", true), reception.SenderFor(Nobody, "list-bounces@corp.example"));
        Assert.Equal(("nobody@test.example", false), reception.SenderFor(Nobody, "ceo@corp.example"));
        Assert.Equal(("", true), reception.SenderFor(Nobody, "<>"));
        Assert.Equal(("ceo@corp.example", true), reception.SenderFor(Root, "ceo@corp.example"));
        Assert.Equal(("nobody@test.example", false), reception.SenderFor(Nobody, null));
    }

    public void Dispose() => _directory.Dispose();
}
