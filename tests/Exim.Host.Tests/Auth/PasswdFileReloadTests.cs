using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>The password file follows the generation: SIGHUP reads it again, and a bad file is refused while the old one keeps serving.</summary>
public sealed class PasswdFileReloadTests
{
    private static async Task<string> AuthAsync(TestDaemon d, string user, string password)
    {
        var (client, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (client)
        {
            await client.CommandAsync("EHLO client.example");
            return await client.CommandAsync("AUTH PLAIN " + AuthFiles.Plain(user, password));
        }
    }

    [Fact]
    public async Task Sighup_ReadsTheFileAgain_ABadFileKeepsTheOldGeneration()
    {
        var dir = new TempDirectory("exim-auth-reload");
        var passwd = dir.Write("passwd", AuthFiles.Text);
        await using var d = await TestDaemon.StartAsync(AuthDaemon.Config.Replace("[hooks]\nrcpt = \"scripts/rcpt.csx\"", "", StringComparison.Ordinal), dir);
        Assert.Equal("235 Authentication succeeded", await AuthAsync(d, "alice", AuthFiles.AlicePassword));

        File.WriteAllText(passwd, AuthFiles.Text + "carol:plaintext\n");
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("reload (SIGHUP) rejected");

        Assert.Contains("passwd:5:1: user \"carol\": not a bcrypt hash", d.MainLog, StringComparison.Ordinal);
        Assert.Equal("235 Authentication succeeded", await AuthAsync(d, "alice", AuthFiles.AlicePassword));

        File.WriteAllText(passwd, "alice:{BLF-CRYPT}" + BCrypt.Net.BCrypt.HashPassword("new password", 4) + "\n");
        d.Process.Signal(Signals.SIGHUP);
        await d.WaitForLogAsync("configuration reloaded (SIGHUP): generation 1 -> 2");

        Assert.Equal("235 Authentication succeeded", await AuthAsync(d, "alice", "new password"));
        Assert.Equal("535 Incorrect authentication data", await AuthAsync(d, "alice", AuthFiles.AlicePassword));
        Assert.Equal("535 Incorrect authentication data", await AuthAsync(d, "bob", AuthFiles.BobPassword));
    }
}
