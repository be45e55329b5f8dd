using Exim.Abstractions.Routing;
using Exim.Abstractions.Transports;
using Exim.Host.Tests.Redirect;
using Exim.Plugins.Appendfile;
using Exim.Host.Tests.Transports;
using Exim.TestKit;

namespace Exim.Host.Tests.Appendfile;

/// <summary>The appendfile transport created through its driver, delivering into real files and directories.</summary>
public sealed class AppendfileTransportTests : IDisposable
{
    private readonly TempDirectory _dir = new("appendfile");

    public void Dispose() => _dir.Dispose();

    private ITransport Create(params (string Key, object Value)[] options) => new AppendfileDriver().Create(TransportDefinitions.Of(_dir.Path, "address_file", options));

    /// <summary>A <c>/path</c> item of a redirection (its path is the address), or with <paramref name="file"/> false a mail address.</summary>
    private static async Task<RecipientOutcome> DeliverAsync(ITransport transport, string address, IDeliveryMessage message, bool file = true)
    {
        var recipient = new DeliveryRecipient(address, "joe", "mx.test", "joe@mx.test", "system_aliases") { Kind = file ? RedirectItemKind.File : RedirectItemKind.Address };
        var result = await transport.DeliverAsync(new TransportRequest(message, [recipient], []), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);
        return Assert.Single(result.Recipients);
    }

    [Fact]
    public async Task Mbox_AppendsWithAFromLine_EscapesFromInTheBody_AndEndsWithABlankLine()
    {
        var mbox = _dir.Combine("mail", "joe");
        var transport = Create();

        var first = await DeliverAsync(transport, mbox, new TestDeliveryMessage("sender@example.test", "From here on, it is mine.\nFromage\n>From before\nFrom\n"));
        var second = await DeliverAsync(transport, mbox, new TestDeliveryMessage("", "Second.\n"));

        Assert.Equal(RecipientOutcomeKind.Delivered, first.Kind);
        Assert.Equal(RecipientOutcomeKind.Delivered, second.Kind);
        var text = File.ReadAllText(mbox);
        Assert.Matches(@"^From sender@example\.test [A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\n", text);
        // Only a body line starting with "From " is escaped; the From: header is not.
        var body = "\n>From here on, it is mine.\nFromage\n>From before\nFrom\n\n";
        Assert.Contains("From: <sender@example.test>\n" + body, text, StringComparison.Ordinal);
        Assert.Matches(@"\n\nFrom MAILER-DAEMON [A-Z][a-z]{2} .*\nSubject: pipe test\nFrom: <>\n\nSecond\.\n\n$", text);
        Assert.Equal(Convert.ToInt32("600", 8), (int)File.GetUnixFileMode(mbox));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Mbox_TwoDeliveriesAtOnce_DoNotInterleave(bool useLockfile)
    {
        var mbox = _dir.Combine("shared.mbox");
        var transport = Create(("use_lockfile", useLockfile), ("lock_interval", "50ms"), ("lock_retries", 200L));
        var pause = TimeSpan.FromMilliseconds(10);

        var outcomes = await Task.WhenAll(
            DeliverAsync(transport, mbox, new SlowDeliveryMessage("a@example.test", 20, pause)),
            DeliverAsync(transport, mbox, new SlowDeliveryMessage("b@example.test", 20, pause)));

        Assert.All(outcomes, o => Assert.Equal(RecipientOutcomeKind.Delivered, o.Kind));
        var senders = File.ReadAllLines(mbox).Where(l => l.Contains(" line ", StringComparison.Ordinal)).Select(l => l[0]).ToArray();
        Assert.Equal(40, senders.Length);
        Assert.True(senders.Take(20).All(s => s == senders[0]) && senders.Skip(20).All(s => s != senders[0]), "the messages interleaved: " + new string(senders));
        Assert.False(File.Exists(mbox + ".lock"), "the lock file was left behind");
    }

    [Fact]
    public async Task Mbox_ThatIsASymbolicLink_IsRefusedAndTheTargetLeftAlone()
    {
        var target = _dir.Write("target", "untouched\n");
        var mbox = _dir.Combine("link.mbox");
        File.CreateSymbolicLink(mbox, target);

        var outcome = await DeliverAsync(Create(), mbox, new TestDeliveryMessage("sender@example.test", "Hello.\n"));

        Assert.Equal(RecipientOutcomeKind.Deferred, outcome.Kind);
        Assert.Equal($"mailbox {mbox} is not a regular file", outcome.Message);
        Assert.Equal(-4, outcome.Errno);
        Assert.Equal("untouched\n", File.ReadAllText(target));
    }

    [Fact]
    public async Task Mbox_WithASecondHardLink_IsRefused()
    {
        var mbox = _dir.Write("linked.mbox", "");
        File.SetUnixFileMode(mbox, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, link(mbox, _dir.Combine("other-name")));

        var outcome = await DeliverAsync(Create(), mbox, new TestDeliveryMessage("sender@example.test", "Hello.\n"));

        Assert.Equal(RecipientOutcomeKind.Deferred, outcome.Kind);
        Assert.Equal($"mailbox {mbox} has too many links (2)", outcome.Message);
    }

    [Fact]
    public async Task Mbox_OfAnotherOwner_IsRefusedByCheckOwner_AndAcceptedWithout()
    {
        Assert.True(geteuid() == 0, "the suite runs as root (it chowns a file to another user)");
        var mbox = _dir.Write("theirs.mbox", "");
        File.SetUnixFileMode(mbox, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal(0, chown(mbox, 1, 1));

        var refused = await DeliverAsync(Create(), mbox, new TestDeliveryMessage("sender@example.test", "Hello.\n"));
        var accepted = await DeliverAsync(Create(("check_owner", false)), mbox, new TestDeliveryMessage("sender@example.test", "Hello.\n"));

        Assert.Equal(RecipientOutcomeKind.Deferred, refused.Kind);
        Assert.Equal($"mailbox {mbox} has wrong uid (1 != 0)", refused.Message);
        Assert.Equal(RecipientOutcomeKind.Delivered, accepted.Kind);
    }

    [Fact]
    public async Task Mbox_AWriteThatFails_IsCutBackToTheLengthBefore()
    {
        var mbox = _dir.Write("cut.mbox", "From old@example.test Mon Jan  1 00:00:00 2024\nSubject: old\n\nOld.\n\n");
        File.SetUnixFileMode(mbox, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var before = File.ReadAllText(mbox);

        var outcome = await DeliverAsync(Create(), mbox, new SlowDeliveryMessage("a@example.test", 50, TimeSpan.Zero, failAfterLines: 30));

        Assert.Equal(RecipientOutcomeKind.Deferred, outcome.Kind);
        Assert.Equal($"error while writing to {mbox}", outcome.Message);
        Assert.Equal(28, outcome.Errno);
        Assert.Equal(before, File.ReadAllText(mbox));
    }

    [Fact]
    public async Task Mbox_CreateFileBelowADirectory_RefusesANewFileElsewhere()
    {
        var transport = Create(("create_file", _dir.Combine("allowed")));

        var inside = await DeliverAsync(transport, _dir.Combine("allowed", "joe"), new TestDeliveryMessage("sender@example.test", "Hello.\n"));
        var outside = await DeliverAsync(transport, _dir.Combine("elsewhere"), new TestDeliveryMessage("sender@example.test", "Hello.\n"));

        Assert.Equal(RecipientOutcomeKind.Delivered, inside.Kind);
        Assert.Equal(RecipientOutcomeKind.Deferred, outside.Kind);
        Assert.Equal($"mailbox {_dir.Combine("elsewhere")} does not exist, but creation outside the home directory is not permitted", outside.Message);
        Assert.False(File.Exists(_dir.Combine("elsewhere")));
    }

    [Fact]
    public async Task Quota_DefersTheMessageThatWouldPassIt_InAnMboxAndAMaildir()
    {
        var mbox = _dir.Combine("quota.mbox");
        var maildir = _dir.Combine("quota.d") + "/";
        var transport = Create(("quota", "300"));
        var message = new TestDeliveryMessage("sender@example.test", new string('x', 100) + "\n");

        var first = await DeliverAsync(transport, mbox, message);
        var full = await DeliverAsync(transport, mbox, message);
        var folderFirst = await DeliverAsync(Create(("quota", "300"), ("maildir_format", true)), maildir, message);
        var folderSecond = await DeliverAsync(Create(("quota", "300"), ("maildir_format", true)), maildir, message);
        var folderFull = await DeliverAsync(Create(("quota", "300"), ("maildir_format", true)), maildir, message);

        Assert.Equal(RecipientOutcomeKind.Delivered, first.Kind);
        Assert.Equal(RecipientOutcomeKind.Deferred, full.Kind);
        Assert.Equal($"mailbox is full (MTA-imposed quota exceeded while writing to {mbox})", full.Message);
        Assert.Equal(-22, full.Errno);
        Assert.Equal(RecipientOutcomeKind.Delivered, folderFirst.Kind);
        Assert.Equal(RecipientOutcomeKind.Delivered, folderSecond.Kind);
        Assert.Equal(RecipientOutcomeKind.Deferred, folderFull.Kind);
        Assert.Equal(2, Directory.GetFiles(maildir + "new").Length);
    }

    [Fact]
    public async Task DirectoryItem_WithMaildirFormat_IsAMaildirDelivery()
    {
        var folder = _dir.Combine("Maildir", ".lists") + "/";

        var outcome = await DeliverAsync(Create(("maildir_format", true)), folder, new TestDeliveryMessage("sender@example.test", "From a list.\n"));

        Assert.Equal(RecipientOutcomeKind.Delivered, outcome.Kind);
        var delivered = Assert.Single(Directory.GetFiles(folder + "new"));
        Assert.Matches(@"/\d+\.M\d+P\d+Q\d+\.mx\.test$", delivered);
        Assert.Empty(Directory.GetFiles(folder + "tmp"));
        Assert.True(Directory.Exists(folder + "cur"));
        // No mbox affixes or escaping in a Maildir.
        Assert.Equal("Subject: pipe test\nFrom: <sender@example.test>\n\nFrom a list.\n", File.ReadAllText(delivered));
    }

    [Fact]
    public async Task DirectoryOption_WithoutMaildirFormat_WritesOneFilePerMessageNamedAsExim()
    {
        var transport = Create(("directory", _dir.Combine("spoolish", "$local_part")));

        var outcome = await DeliverAsync(transport, "joe@mx.test", new TestDeliveryMessage("sender@example.test", "Hello.\n"), file: false);

        Assert.Equal(RecipientOutcomeKind.Delivered, outcome.Kind);
        var delivered = Assert.Single(Directory.GetFiles(_dir.Combine("spoolish", "joe")));
        Assert.Matches(@"/q[0-9A-Za-z]{6}-\d+$", delivered);
    }

    [Fact]
    public async Task AMailAddress_WithNoFileOrDirectory_IsDeferred()
    {
        var outcome = await DeliverAsync(Create(), "joe@mx.test", new TestDeliveryMessage("sender@example.test", "Hello.\n"), file: false);

        Assert.Equal(RecipientOutcomeKind.Deferred, outcome.Kind);
        Assert.Equal("Mandatory file or directory option missing from address_file transport", outcome.Message);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int chown(string path, int owner, int group);

    [System.Runtime.InteropServices.DllImport("libc")]
    private static extern uint geteuid();

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int link(string existing, string newPath);
}
