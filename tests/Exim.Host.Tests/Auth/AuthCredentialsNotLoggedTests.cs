using Exim.Abstractions.Config;
using Exim.Host.Tests.Smtp;
using Exim.TestKit;
using static Exim.Host.Tests.Auth.AuthFiles;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// Every path that logs a client's command line (syntax errors, a NUL, a bare LF, too many syntax errors, the
/// synchronization error's rejected command and next-input excerpt, input before the greeting, an AUTH response that
/// does not decode or is too long) shows an AUTH line as <c>AUTH &lt;mechanism&gt;</c>, never its credentials.
/// </summary>
public sealed class AuthCredentialsNotLoggedTests : IDisposable
{
    private const string Secret = "s3cret-in-the-log";

    private static readonly MainOptions InClear = AuthCommandTests.InClear;

    private static readonly string Initial = Plain("alice", Secret);
    private static readonly string SecretB64 = B64(Secret);

    private readonly TempDirectory _files = new("exim-auth-log");

    public void Dispose() => _files.Dispose();

    private Task<InProcessSession> StartAsync(MainOptions main, string? sendFirst = null)
        => InProcessSession.StartAsync(main, sendFirst, authenticators: PlainAndLogin(_files));

    private static void AssertNoSecret(InProcessSession s)
    {
        var log = string.Join("\n", s.Log);
        Assert.DoesNotContain(Initial, log, StringComparison.Ordinal);
        Assert.DoesNotContain(Initial[..12], log, StringComparison.Ordinal);
        Assert.DoesNotContain(SecretB64[..12], log, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, log, StringComparison.Ordinal);
    }

    private static async Task WaitForLogAsync(InProcessSession s, string text)
        => await Wait.UntilOrFailAsync(() => s.Logged(text), TestTimeouts.Default, () => $"no \"{text}\" in:\n" + string.Join("\n", s.Log));

    [Fact]
    public async Task BareLf_AndTooManySynprot_ShowTheMechanismOnly()
    {
        await using var s = await StartAsync(InClear with { SmtpForbidBareNewline = true, SmtpMaxSynprotErrors = 0 });
        Assert.StartsWith("250-", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);

        await s.Client.SendRawAsync("AUTH PLAIN " + Initial + "\n");

        Assert.StartsWith("500", await s.Client.ReadReplyAsync(), StringComparison.Ordinal);
        await WaitForLogAsync(s, "SMTP syntax error in \"AUTH PLAIN\" H=(client.example) [127.0.0.1] bare <LF> received");
        await WaitForLogAsync(s, "dropped: too many syntax or protocol errors (last command was \"AUTH PLAIN\"");
        AssertNoSecret(s);
    }

    [Fact]
    public async Task Nul_ShowsTheMechanismOnly()
    {
        await using var s = await StartAsync(InClear);
        Assert.StartsWith("250-", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);

        Assert.Equal("501 NUL characters are not allowed in SMTP commands", await s.Client.CommandAsync("AUTH PLAIN " + Initial + "\0"));

        await WaitForLogAsync(s, "SMTP syntax error in \"AUTH PLAIN\" H=(client.example) [127.0.0.1] NUL character(s) present");
        AssertNoSecret(s);
    }

    [Fact]
    public async Task AuthWithATab_IsAnUnknownCommand_LoggedWithoutItsData()
    {
        await using var s = await StartAsync(InClear);
        Assert.StartsWith("250-", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);

        Assert.Equal("500 unrecognized command", await s.Client.CommandAsync("AUTH\tPLAIN " + Initial));

        await WaitForLogAsync(s, "SMTP syntax error in \"AUTH PLAIN\" H=(client.example) [127.0.0.1] unrecognized command");
        AssertNoSecret(s);
    }

    [Fact]
    public async Task SyncError_NextInput_StopsAtTheAuthLine()
    {
        await using var s = await StartAsync(InClear with { SmtpEnforceSync = true });

        // Before EHLO nothing may be pipelined: AUTH LOGIN and its two responses wait behind HELO.
        await s.Client.SendRawAsync($"HELO client.example\r\nAUTH LOGIN {B64("alice")}\r\n{SecretB64}\r\n");

        Assert.Equal("554 SMTP synchronization error", await s.Client.ReadReplyAsync());
        await WaitForLogAsync(s, "rejected \"HELO client.example\" H=[127.0.0.1] next input=\"AUTH LOGIN\"");
        AssertNoSecret(s);
    }

    [Fact]
    public async Task SyncError_TheRejectedAuthLine_ShowsTheMechanismOnly()
    {
        await using var s = await StartAsync(InClear with { SmtpEnforceSync = true });

        await s.Client.SendRawAsync($"AUTH PLAIN {Initial}\r\nMAIL FROM:<a@test.example>\r\n");

        Assert.Equal("554 SMTP synchronization error", await s.Client.ReadReplyAsync());
        await WaitForLogAsync(s, "rejected \"AUTH PLAIN\" H=[127.0.0.1] next input=\"MAIL FROM:<a@test.example>\\r\\n\"");
        AssertNoSecret(s);
    }

    [Fact]
    public async Task InputBeforeTheGreeting_StopsAtTheAuthLine()
    {
        await using var s = await StartAsync(InClear with { SmtpEnforceSync = true }, sendFirst: $"EHLO x\r\nAUTH PLAIN {Initial}\r\n");

        Assert.Equal("554 SMTP synchronization error", s.Greeting);
        await WaitForLogAsync(s, "EHLO x\\r\\nAUTH PLAIN\"");
        AssertNoSecret(s);
    }

    [Fact]
    public async Task ResponsesToAChallenge_BadOrTooLong_AreNeverLogged()
    {
        await using var s = await StartAsync(InClear);
        Assert.StartsWith("250-", await s.Client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);

        Assert.Equal("334 VXNlcm5hbWU6", await s.Client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 Invalid base64 data", await s.Client.CommandAsync(SecretB64 + "%\0" + Secret));
        Assert.Equal("334 VXNlcm5hbWU6", await s.Client.CommandAsync("AUTH LOGIN"));
        Assert.Equal("501 Invalid base64 data", await s.Client.CommandAsync(SecretB64 + new string('A', 20_000) + Secret));
        Assert.Equal("250 OK", await s.Client.CommandAsync("NOOP"));

        Assert.Equal(2, s.Log.Count(l => l.Contains("login authenticator failed for (client.example) [127.0.0.1]: 501 Invalid base64 data", StringComparison.Ordinal)));
        AssertNoSecret(s);
    }
}
