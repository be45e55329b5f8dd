using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>AUTH against a real daemon with a real client (swaks --auth), the passwd_file plugin loaded as the daemon loads it.</summary>
public sealed class AuthDaemonTests(AuthDaemon fixture) : IClassFixture<AuthDaemon>
{
    private TestDaemon Daemon => fixture.Daemon;

    private static string Id(string output) => System.Text.RegularExpressions.Regex.Match(output, @"250 OK id=(\S+)").Groups[1].Value;

    [Fact]
    public async Task SwaksAuthPlain_Submits_AndRelays_WithAEqualsAndEsmtpa()
    {
        var (code, output) = await fixture.SwaksAsync("--auth", "PLAIN", "--auth-user", "alice", "--auth-password", AuthFiles.AlicePassword,
            "--from", "alice@test.example", "--to", "friend@elsewhere.example", "--body", "hello");

        Assert.True(code == 0, output);
        Assert.Contains("250-AUTH PLAIN LOGIN", output, StringComparison.Ordinal);
        Assert.Contains("235 Authentication succeeded", output, StringComparison.Ordinal);
        var id = Id(output);
        await Daemon.WaitForLogAsync($"{id} <= alice@test.example H=(client.example) [127.0.0.1] P=esmtpa A=plain:alice S=");
        var header = File.ReadAllText(Path.Combine(Daemon.InputDirectory, id + "-H"), System.Text.Encoding.Latin1);
        Assert.Contains("by mx.test.example with esmtpa (Exim ", header, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwaksAuthLogin_Submits()
    {
        var (code, output) = await fixture.SwaksAsync("--auth", "LOGIN", "--auth-user", "bob", "--auth-password", AuthFiles.BobPassword,
            "--from", "bob@test.example", "--to", "user@test.example", "--body", "hello");

        Assert.True(code == 0, output);
        Assert.Contains("334 VXNlcm5hbWU6", output, StringComparison.Ordinal);
        await Daemon.WaitForLogAsync($"{Id(output)} <= bob@test.example H=(client.example) [127.0.0.1] P=esmtpa A=login:bob S=");
    }

    [Fact]
    public async Task WrongPassword_535_InTheMainAndRejectLogs()
    {
        var (code, output) = await fixture.SwaksAsync("--auth", "PLAIN", "--auth-user", "alice", "--auth-password", "not-" + AuthFiles.AlicePassword,
            "--from", "alice@test.example", "--to", "user@test.example");

        Assert.NotEqual(0, code);
        Assert.Contains("535 Incorrect authentication data", output, StringComparison.Ordinal);
        const string line = "plain authenticator failed for (client.example) [127.0.0.1]: 535 Incorrect authentication data (set_id=alice)";
        await Daemon.WaitForLogAsync(line);
        await Wait.UntilOrFailAsync(() => Daemon.RejectLog.Contains(line, StringComparison.Ordinal), TestTimeouts.Default, () => Daemon.RejectLog);
    }

    [Fact]
    public async Task Relay_WithoutAuth_IsRefused()
    {
        var (code, output) = await fixture.SwaksAsync("--from", "alice@test.example", "--to", "friend@elsewhere.example");

        Assert.NotEqual(0, code);
        Assert.Contains("550 relay not permitted", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hooks_SeeTheAuthenticatedIdAndTheAuthenticator()
    {
        var (_, authenticated) = await fixture.SwaksAsync("--auth", "LOGIN", "--auth-user", "alice", "--auth-password", AuthFiles.AlicePassword,
            "--from", "alice@test.example", "--to", "hook@test.example");
        var (_, anonymous) = await fixture.SwaksAsync("--from", "alice@test.example", "--to", "hook@test.example");

        Assert.Contains("550 hook sees alice by login", authenticated, StringComparison.Ordinal);
        Assert.Contains("550 hook sees nobody", anonymous, StringComparison.Ordinal);
    }
}
