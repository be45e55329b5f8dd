using System.Net;
using System.Net.Sockets;
using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>
/// The submission set-up the bundled exim.toml ships commented: its authenticators check once uncommented, and the
/// shipped scripts/mail.csx requires AUTH before MAIL on the submission port only.
/// </summary>
public sealed class SubmissionTests
{
    [Fact]
    public async Task BundledConfig_WithItsPasswdFileAuthenticatorsUncommented_Checks()
    {
        using var dir = new TempDirectory("exim-bundled-auth");
        var passwd = dir.Write("passwd", AuthFiles.Text);
        var lines = File.ReadAllLines(Path.Combine(RepoPaths.Root, "exim.toml")).ToList();
        var start = lines.IndexOf("# [plugins.passwd-file-auth]");
        var end = lines.FindIndex(start, l => l.StartsWith("# or Dovecot", StringComparison.Ordinal));
        Assert.True(start > 0 && end > start, "the commented passwd_file block is not where it was");
        for (var i = start; i < end; i++) lines[i] = lines[i].StartsWith("# ", StringComparison.Ordinal) ? lines[i][2..] : lines[i].TrimStart('#');
        // Run from a copy: the bundled file's relative paths (plugins, scripts, spool) made to point at the checkout.
        var text = string.Join('\n', lines).Replace("/etc/exim/passwd", passwd, StringComparison.Ordinal)
            .Replace("\"plugins/", $"\"{RepoPaths.Root}/plugins/", StringComparison.Ordinal)
            .Replace("\"scripts/", $"\"{RepoPaths.Root}/scripts/", StringComparison.Ordinal)
            .Replace("spool_directory = \"spool\"", $"spool_directory = \"{dir.Combine("spool")}\"", StringComparison.Ordinal);
        var config = dir.Write("exim.toml", text);

        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");

        Assert.True(code == 0, stderr);
        Assert.Contains("Authenticator plain: driver passwd_file, public name PLAIN", stdout, StringComparison.Ordinal);
        Assert.Contains("Authenticator login: driver passwd_file, public name LOGIN", stdout, StringComparison.Ordinal);
        Assert.Contains("Hook mail: ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailScript_OnTheSubmissionPort_RequiresAuthBeforeMail_OtherPortsNot()
    {
        var dir = new TempDirectory("exim-submission");
        var (submission, other) = (FreePort(), FreePort());
        dir.Write("passwd", AuthFiles.Text);
        var script = File.ReadAllText(Path.Combine(RepoPaths.Root, "scripts", "mail.csx"));
        Assert.Contains("Connection.LocalPort == 587", script, StringComparison.Ordinal);
        dir.Write("scripts/mail.csx", script.Replace("== 587", $"== {submission}", StringComparison.Ordinal));
        var config = TestDaemon.SmtpConfig("auth_advertise_hosts = [\"127.0.0.1\"]")
            .Replace("daemon_smtp_ports = [0]", $"daemon_smtp_ports = [{submission}, {other}]", StringComparison.Ordinal)
            + AuthDaemon.PasswdFilePlugin + "\n\n[hooks]\nmail = \"scripts/mail.csx\"\n" + AuthDaemon.Authenticators();
        await using var d = await TestDaemon.StartAsync(config, dir);

        await using (var c = await SmtpTestClient.ConnectAsync(submission))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO laptop.example");
            Assert.Equal("530 5.7.0 Authentication required", await c.CommandAsync("MAIL FROM:<alice@test.example>"));
            Assert.Equal("235 Authentication succeeded", await c.CommandAsync("AUTH PLAIN " + AuthFiles.Plain("alice", AuthFiles.AlicePassword)));
            Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<alice@test.example>"));
        }
        await using (var c = await SmtpTestClient.ConnectAsync(other))
        {
            await c.ReadReplyAsync();
            await c.CommandAsync("EHLO client.example");
            Assert.Equal("250 OK", await c.CommandAsync("MAIL FROM:<someone@client.example>"));
        }
        await d.WaitForLogAsync("H=(laptop.example) [127.0.0.1] rejected MAIL <alice@test.example>: Authentication required");
    }

    private static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
