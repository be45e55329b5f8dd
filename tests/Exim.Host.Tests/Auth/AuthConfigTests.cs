using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>[[authenticators]] errors, each with its file:line:column, as <c>exim -bV</c> reports them (a reload reports the same and keeps the old generation).</summary>
public sealed class AuthConfigTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> CheckAsync(string config, string passwd = "")
    {
        using var dir = new TempDirectory("exim-auth-config");
        dir.Write("passwd", passwd.Length == 0 ? AuthFiles.Text : passwd);
        var path = dir.Write("exim.toml", config);
        return await EximProcess.RunAsync(dir.Path, "-C", path, "-bV");
    }

    private static string Config(string authenticators) => TestDaemon.SmtpConfig() + AuthDaemon.PasswdFilePlugin + authenticators;

    [Fact]
    public async Task TheBundledShape_Checks()
    {
        var (code, _, stderr) = await CheckAsync(Config(AuthDaemon.Authenticators()));

        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task UnknownDriver_NamesTheKnownOnes()
    {
        var (code, _, stderr) = await CheckAsync(Config(AuthDaemon.Authenticators(driver: "cyrus_sasl")));

        Assert.NotEqual(0, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: unknown driver ""cyrus_sasl"" in authenticators ""plain"" \(known: passwd_file\)", stderr);
    }

    [Fact]
    public async Task MissingPasswordFile_IsReportedAtTheTable()
    {
        var (code, _, stderr) = await CheckAsync(Config(AuthDaemon.Authenticators(extra: "")));

        Assert.NotEqual(0, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: invalid value for ""server_passwd_file"" in authenticators ""plain"": is required", stderr);
    }

    [Fact]
    public async Task UnknownOption_IsReportedWithItsPlace()
    {
        var (code, _, stderr) = await CheckAsync(Config(AuthDaemon.Authenticators(extra: "server_passwd_file = \"passwd\"\nserver_set_id = \"$auth2\"")));

        Assert.NotEqual(0, code);
        Assert.Matches(@"exim\.toml:\d+:1: unknown option ""server_set_id"" in authenticators ""plain"" \(driver passwd_file\)", stderr);
    }

    [Fact]
    public async Task PlainTextPasswords_RefuseTheConfiguration_WithTheFilesLine()
    {
        var (code, _, stderr) = await CheckAsync(Config(AuthDaemon.Authenticators()), "alice:secret\n");

        Assert.NotEqual(0, code);
        Assert.Contains("passwd:1:1: user \"alice\": not a bcrypt hash", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswdFileWithAnotherMechanism_IsRefused()
    {
        var (code, _, stderr) = await CheckAsync(Config("""

            [[authenticators]]
            name = "cram"
            driver = "passwd_file"
            public_name = "CRAM-MD5"
            server_passwd_file = "passwd"
            """));

        Assert.NotEqual(0, code);
        Assert.Contains("its public_name must be PLAIN or LOGIN, not CRAM-MD5", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoAuthenticatorsForOneMechanism_AreRefused()
    {
        var (code, _, stderr) = await CheckAsync(Config(AuthDaemon.Authenticators() + """

            [[authenticators]]
            name = "plain2"
            driver = "passwd_file"
            public_name = "plain"
            server_passwd_file = "passwd"
            """));

        Assert.NotEqual(0, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: authenticators ""plain2"": PLAIN is already offered by authenticators ""plain""", stderr);
    }

    [Fact]
    public async Task HostChecking_RunsTheAuthenticators()
    {
        using var dir = new TempDirectory("exim-auth-bh");
        dir.Write("passwd", AuthFiles.Text);
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig("auth_advertise_hosts = [\"*\"]") + AuthDaemon.PasswdFilePlugin + AuthDaemon.Authenticators());
        var input = $"EHLO client.example\nAUTH PLAIN {AuthFiles.Plain("alice", "wrong")}\nAUTH PLAIN {AuthFiles.Plain("alice", AuthFiles.AlicePassword)}\nQUIT\n";

        var (code, stdout, stderr) = await EximProcess.RunWithInputAsync(dir.Path, input, "-C", config, "-bh", "192.0.2.7");

        Assert.True(code == 0, stderr);
        Assert.Contains("250-AUTH PLAIN LOGIN", stdout, StringComparison.Ordinal);
        Assert.Contains("535 Incorrect authentication data", stdout, StringComparison.Ordinal);
        Assert.Contains("235 Authentication succeeded", stdout, StringComparison.Ordinal);
        Assert.Contains("plain authenticator failed for (client.example) [192.0.2.7]: 535 Incorrect authentication data (set_id=alice)", stderr + stdout, StringComparison.Ordinal);
    }
}
