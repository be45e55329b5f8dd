using Exim.TestKit;

namespace Exim.Host.Tests.Policy;

/// <summary>Stage scripts across SIGHUP: a session keeps the policy it started with; a bad edit is refused and the old policy runs on.</summary>
public sealed class PolicyReloadTests
{
    private static async Task<TestDaemon> StartAsync(string rcptScript)
    {
        var dir = new TempDirectory("exim-policy-reload");
        dir.Write("scripts/rcpt.csx", rcptScript);
        return await TestDaemon.StartAsync(TestDaemon.SmtpConfig() + "\n[hooks]\nrcpt = \"scripts/rcpt.csx\"\ntimeout = \"500ms\"\n", dir);
    }

    private static async Task<SmtpTestClient> InTransactionAsync(TestDaemon d)
    {
        var (client, _) = await SmtpTestClient.OpenAsync(d.Port);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.Equal("250 OK", await client.CommandAsync("MAIL FROM:<a@client.example>"));
        return client;
    }

    [Fact]
    public async Task Sighup_DuringASession_TheOldScriptAnswersIt_ANewSessionGetsTheNewOne_TheOldGenerationGoesWhenItEnds()
    {
        await using var d = await StartAsync("return Verdict.Reject($\"old policy for {Recipient}\");");
        await using var old = await InTransactionAsync(d);

        d.Directory.Write("scripts/rcpt.csx", "return Verdict.Reject($\"new policy for {Recipient}\");");
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");

        // The session that started on generation 1 uses generation 1's script after the reload...
        Assert.Equal("550 old policy for x@test.example", await old.CommandAsync("RCPT TO:<x@test.example>"));
        // ...a new session gets the new one...
        await using (var fresh = await InTransactionAsync(d))
        {
            Assert.Equal("550 new policy for y@test.example", await fresh.CommandAsync("RCPT TO:<y@test.example>"));
        }
        // ...and generation 1 (its daemon plugin and its script) is neither retired nor collected while that session holds it.
        Assert.Equal("550 old policy for z@test.example", await old.CommandAsync("RCPT TO:<z@test.example>"));
        await Task.Delay(300);
        Assert.DoesNotContain("generation 1 retired", d.MainLog, StringComparison.Ordinal);

        Assert.StartsWith("221", await old.CommandAsync("QUIT"), StringComparison.Ordinal);
        await d.WaitForLogAsync("generation 1 retired");
        await d.WaitForLogAsync("generation 1 collected: 2 plugin and script load context(s) unloaded", TestTimeouts.Startup);
    }

    [Fact]
    public async Task Sighup_BrokenStageScript_IsRefusedWithItsPosition_AndTheOldPolicyKeepsRunning()
    {
        await using var d = await StartAsync("return Verdict.Reject(\"old policy\");");

        d.Directory.Write("scripts/rcpt.csx", "var who = Recipient;\nreturn Verdikt.Reject(who);\n");
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("scripts/rcpt.csx(2,8): error CS0103: The name 'Verdikt' does not exist in the current context");

        await d.WaitForPanicLogAsync("scripts/rcpt.csx(2,8): error CS0103");
        Assert.DoesNotContain("generation 1 -> 2", d.MainLog, StringComparison.Ordinal);
        await using var client = await InTransactionAsync(d);
        Assert.Equal("550 old policy", await client.CommandAsync("RCPT TO:<x@test.example>"));
    }
}
