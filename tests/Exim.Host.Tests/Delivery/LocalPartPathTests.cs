using System.Text;
using Exim.Mail.Spool;
using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

/// <summary>
/// Local parts that look like path names (<c>..</c>, <c>.</c>, with <c>/</c>, empty, quoted or backslash-escaped) against
/// a real daemon and a real <c>exim -M</c>: the local part is the de-quoted one, RCPT refuses the restricted ones, and the
/// maildir transport fails any that cannot name one directory under its mailbox root. Nothing is ever written outside it.
/// </summary>
public sealed class LocalPartPathTests
{
    /// <summary>The mailbox root is mail/box; mail/ must hold nothing else, and the checkout directory nothing new.</summary>
    private static string Config(string extra = "")
        => TestDaemon.SmtpConfig(extra + "\n" + DeliveryFixture.LocalDelivery.Replace("maildir/$local_part", "mail/box/$local_part", StringComparison.Ordinal));

    [Fact]
    public async Task Rcpt_QuotedDotsAndSlashes_AreRefusedAsTheirDequotedLocalPart_AndAnEmptyOneFailsInTheTransport()
    {
        await using var d = await TestDaemon.StartAsync(Config());
        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<postmaster@test.example>"));

        foreach (var refused in new[] { "\"..\"", "\".\"", "\"\\.\\.\"", "\".\\./x\"", "\"a/b\"", "\"../x\"", "\"..\\/x\"" })
        {
            Assert.Equal("550 restricted characters in address", await client.CommandAsync($"RCPT TO:<{refused}@test.example>"));
        }
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<\"\"@test.example>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<\"o k\"@test.example>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        Assert.StartsWith("250", await client.CommandAsync("Subject: paths\r\n\r\nbody\r\n."));
        await client.CommandAsync("QUIT");

        await d.WaitForLogAsync($"** \"\"@test.example R=local T=local_delivery: local part \"\" cannot name a mailbox directory under {Root(d)}: it is empty");
        await d.WaitForLogAsync("=> o k <\"o k\"@test.example> R=local T=local_delivery");
        await d.WaitForLogAsync("=> postmaster <postmaster@test.example> R=local T=local_delivery"); // the bounce for ""
        AssertOnlyMailboxes(d, "o k", "postmaster");
    }

    [Fact]
    public async Task Deliver_SpooledPathLikeLocalParts_FailEachWithAClearError_AndWriteNothingOutsideTheRoot()
    {
        await using var d = await TestDaemon.StartAsync(Config("queue_only = true"));
        string[] recipients =
        [
            "..@test.example", ".@test.example", "\"..\"@test.example", "\".\"@test.example", "\"a/b\"@test.example",
            "\"../x\"@test.example", "\"\"@test.example", "\\.\\.@test.example", "\"..\\/..\\/x\"@test.example", "ok@test.example",
        ];
        var id = SpoolByHand(d.InputDirectory, recipients);

        var (code, stdout, stderr) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-M", id);

        Assert.True(code == 0, stdout + stderr);
        var log = d.MainLog;
        foreach (var (address, local) in new[]
        {
            ("..@test.example", ".."), (".@test.example", "."), ("\"..\"@test.example", ".."), ("\".\"@test.example", "."),
            ("\\.\\.@test.example", ".."),
        })
        {
            Assert.Contains($"{id} ** {address} R=local T=local_delivery: local part \"{local}\" cannot name a mailbox directory under {Root(d)}: it is \"{local}\"", log, StringComparison.Ordinal);
        }
        Assert.Contains($"{id} ** \"a/b\"@test.example R=local T=local_delivery: local part \"a/b\" cannot name a mailbox directory under {Root(d)}: it contains \"/\"", log, StringComparison.Ordinal);
        Assert.Contains($"{id} ** \"../x\"@test.example R=local T=local_delivery: local part \"../x\" cannot name a mailbox directory under {Root(d)}: it contains \"/\"", log, StringComparison.Ordinal);
        Assert.Contains($"{id} ** \"..\\/..\\/x\"@test.example R=local T=local_delivery: local part \"../../x\" cannot name a mailbox directory under {Root(d)}: it contains \"/\"", log, StringComparison.Ordinal);
        Assert.Contains($"{id} ** \"\"@test.example R=local T=local_delivery: local part \"\" cannot name a mailbox directory under {Root(d)}: it is empty", log, StringComparison.Ordinal);
        Assert.Contains($"{id} => ok <ok@test.example> R=local T=local_delivery", log, StringComparison.Ordinal);
        Assert.Contains($"{id} Completed", log, StringComparison.Ordinal);

        // The bounce listing the nine failures is delivered at once, into the sender's mailbox.
        var bounce = Assert.Single(Directory.GetFiles(d.Directory.Combine("mail", "box", "postmaster", "new")));
        Assert.Contains("local part \"..\" cannot name a mailbox directory", File.ReadAllText(bounce), StringComparison.Ordinal);
        AssertOnlyMailboxes(d, "ok", "postmaster");
    }

    private static string Root(TestDaemon d) => d.Directory.Combine("mail", "box");

    /// <summary>A message in the spool as a delivery finds it, from postmaster@test.example to <paramref name="recipients"/>.</summary>
    private static string SpoolByHand(string input, string[] recipients)
    {
        var id = MessageId.Next(TimeProvider.System);
        Directory.CreateDirectory(input); // the daemon may not have made it yet
        var envelope = new Envelope("postmaster@test.example", [.. recipients], DateTimeOffset.UtcNow, "client.test", "127.0.0.1", 4000,
            "127.0.0.1", 25, "esmtp", 1, 5);
        File.WriteAllText(Path.Combine(input, id + "-D"), $"{id}-D\nbody\n", Encoding.Latin1);
        File.WriteAllText(Path.Combine(input, id + "-H"), SpoolHeaderFile.Format(id, envelope, ["Subject: paths\n"]), Encoding.Latin1);
        return id;
    }

    /// <summary>The daemon's directory holds only its config, spool and mail/box, and mail/box only these mailboxes.</summary>
    private static void AssertOnlyMailboxes(TestDaemon d, params string[] mailboxes)
    {
        static string[] Names(string dir) => [.. Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(["exim.toml", "mail", "spool"], Names(d.Directory.Path));
        Assert.Equal(["box"], Names(d.Directory.Combine("mail")));
        Assert.Equal(mailboxes.Order(StringComparer.Ordinal), Names(d.Directory.Combine("mail", "box")));
        foreach (var m in mailboxes) Assert.Equal(["cur", "new", "tmp"], Names(d.Directory.Combine("mail", "box", m)));
    }
}
