using System.Net;
using System.Net.Sockets;
using Exim.Mail.Native;
using Exim.TestKit;

namespace Exim.Host.Tests.Security;

/// <summary>
/// exim_user / exim_group against real processes: a daemon started as root binds a port below 1024, then runs as
/// nobody:nogroup (checked in /proc), and what it and the commands run as root create afterwards is nobody's.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PrivilegeDropTests
{
    private const int Nobody = 65534;

    private static readonly string QueueRunnerPlugin = $"""

        [plugins.queue-runner]
        assembly = "{RepoPaths.Plugin("queue-runner", "Exim.Plugins.QueueRunner.dll")}"
        """;

    private static string Config(int port, string extra = "") => $$"""
        exim_user = "nobody"
        exim_group = "nogroup"
        spool_directory = "spool"
        primary_hostname = "mx.test.example"
        local_interfaces = ["127.0.0.1"]
        daemon_smtp_ports = [{{port}}]
        local_domains = ["test.example"]
        relay_from_hosts = ["127.0.0.1"]
        queue_only = true
        {{extra}}

        [[routers]]
        name = "local"
        driver = "accept"
        domains = "+local_domains"
        transport = "local_delivery"

        [[transports]]
        name = "local_delivery"
        driver = "maildir"
        directory = "maildir/$local_part"

        [plugins.daemon]
        assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"
        """;

    [Fact]
    public async Task Daemon_StartedAsRoot_BindsAPortBelow1024_ThenRunsAsEximUserWithNoCapability()
    {
        using var dir = NobodyReachableDirectory();
        // Left by an earlier run as root: root's files, which the Exim user must go on writing.
        var oldLog = dir.Write("spool/log/mainlog", "2026-11-29 10:00:00 an earlier run as root\n");
        var oldHints = dir.Write("spool/db/leftover", "");
        var port = FreePrivilegedPort();
        await using var d = await TestDaemon.StartAsync(Config(port), dir);

        Assert.Equal(port, d.Port);
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(oldLog));
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(oldHints));
        Assert.StartsWith("2026-11-29 10:00:00 an earlier run as root\n", d.MainLog, StringComparison.Ordinal);
        var status = File.ReadAllLines($"/proc/{d.Process.Pid}/status");
        Assert.Equal("Uid:\t65534\t65534\t65534\t65534", status.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)));
        Assert.Equal("Gid:\t65534\t65534\t65534\t65534", status.Single(l => l.StartsWith("Gid:", StringComparison.Ordinal)));
        Assert.Equal("Groups:\t65534", status.Single(l => l.StartsWith("Groups:", StringComparison.Ordinal)).TrimEnd());
        // Every thread the runtime had started before the drop changed too (glibc's setxid broadcast), and none keeps a capability.
        var tasks = Directory.GetDirectories($"/proc/{d.Process.Pid}/task");
        Assert.True(tasks.Length > 3, $"only {tasks.Length} threads");
        foreach (var task in tasks)
        {
            var lines = File.ReadAllLines(Path.Combine(task, "status"));
            Assert.Equal("Uid:\t65534\t65534\t65534\t65534", lines.Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)));
            Assert.Equal("CapEff:\t0000000000000000", lines.Single(l => l.StartsWith("CapEff:", StringComparison.Ordinal)));
            Assert.Equal("CapPrm:\t0000000000000000", lines.Single(l => l.StartsWith("CapPrm:", StringComparison.Ordinal)));
        }
        Assert.Contains("listeners bound as root; now running as exim_user nobody:nogroup (uid=65534 gid=65534 groups=65534)", d.MainLog, StringComparison.Ordinal);

        // What the daemon writes after the drop is the Exim user's: the spool files of a message, the main log.
        await using var client = await SmtpTestClient.ConnectAsync(port);
        Assert.StartsWith("220", await client.ReadReplyAsync(), StringComparison.Ordinal);
        await client.CommandAsync("EHLO client.test");
        var reply = await client.SendMessageAsync("alice@example.org", "bob@test.example", "Subject: dropped\n\nhello");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        var id = reply["250 OK id=".Length..].Trim();
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(Path.Combine(d.InputDirectory, id + "-H")));
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(Path.Combine(d.InputDirectory, id + "-D")));
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(d.MainLogPath));
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(dir.Combine("spool")));
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(dir.Combine("spool", "msglog")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute,
            File.GetUnixFileMode(dir.Combine("spool", "msglog"))); // created by the daemon: Exim's 0750

        // exim -q run by root (from cron, say) becomes the Exim user once it has read the configuration: the message
        // it delivers is nobody's file.
        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", d.ConfigPath, "-q");
        Assert.True(code == 0, stdout + stderr);
        var delivered = Directory.GetFiles(dir.Combine("maildir", "bob", "new")).Single();
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(delivered));
    }

    [Fact]
    public async Task Commands_AsRoot_RunAsTheEximUser_ButNameTheirCaller()
    {
        using var dir = NobodyReachableDirectory();
        await using var d = await TestDaemon.StartAsync(Config(0), dir);
        await using (var client = await SmtpTestClient.ConnectAsync(d.Port))
        {
            await client.ReadReplyAsync();
            await client.CommandAsync("EHLO client.test");
            var reply = await client.SendMessageAsync("alice@example.org", "bob@test.example", "Subject: removed\n\nhello");
            Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
            var id = reply["250 OK id=".Length..].Trim();

            // -Mrm by root runs as the Exim user, but the log names root, who asked for it (Exim logs its real caller).
            var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", d.ConfigPath, "-Mrm", id);
            Assert.True(code == 0, stdout + stderr);
            await d.WaitForLogAsync($"{id} removed by root");
        }

        // -bh by root runs the hook scripts as the Exim user, never as root: once its helo hook has answered, the
        // process's ids (all four of each) are nobody's.
        File.WriteAllText(dir.Combine("helo.csx"), "return Verdict.Reject(\"checked\");\n");
        var config = dir.Combine("bh.toml");
        File.WriteAllText(config, Config(0, "[hooks]\nhelo = \"helo.csx\"\n"));
        await using var bh = EximProcess.Start(dir.Path, "-C", config, "-bh", "192.0.2.9");
        await bh.StandardInput.WriteAsync("EHLO client.example\n");
        await bh.StandardInput.FlushAsync();
        await Wait.UntilOrFailAsync(() => bh.Stdout.Contains("550 checked", StringComparison.Ordinal) || bh.HasExited,
            TestTimeouts.Startup, () => "-bh's answer to EHLO\n" + bh.Stdout + bh.Stderr);
        var status = await File.ReadAllTextAsync($"/proc/{bh.Pid}/status");
        Assert.Matches(@"\nUid:\t65534\t65534\t65534\t65534\n", status);
        Assert.Matches(@"\nGid:\t65534\t65534\t65534\t65534\n", status);
        await bh.StandardInput.WriteAsync("QUIT\n");
        bh.StandardInput.Close();
        Assert.Equal(0, await bh.WaitForExitAsync(TestTimeouts.Startup));
    }

    [Fact]
    public async Task Daemon_QueueRunnerChildren_InheritTheEximUser()
    {
        using var dir = NobodyReachableDirectory();
        await using var d = await TestDaemon.StartAsync(Config(0) + QueueRunnerPlugin, dir, "-q1s");

        await using var client = await SmtpTestClient.ConnectAsync(d.Port);
        await client.ReadReplyAsync();
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("250 OK id=", await client.SendMessageAsync("alice@example.org", "carol@test.example", "Subject: runner\n\nhello"), StringComparison.Ordinal);

        string[] delivered = [];
        await Wait.UntilOrFailAsync(() => Directory.Exists(dir.Combine("maildir", "carol", "new"))
                && (delivered = Directory.GetFiles(dir.Combine("maildir", "carol", "new"))).Length == 1,
            TestTimeouts.Default, () => "delivery by a queue runner\n" + d.MainLog);
        Assert.Contains("Start queue run: pid=", d.MainLog, StringComparison.Ordinal);
        Assert.Equal((Nobody, Nobody), Posix.OwnerOf(delivered[0]));
    }

    [Fact]
    public async Task Daemon_AFileReloadsNeedThatTheEximUserCannotRead_StopsStartUpNamingIt()
    {
        using var dir = NobodyReachableDirectory();
        var script = dir.Write("scripts/accept.csx", "return Verdict.Continue;");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var config = dir.Write("exim.toml", Config(0) + $"\n\n[hooks]\naccept = \"{script}\"\n");

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bd");

        Assert.Equal(1, code);
        Assert.Contains($"exim: {script} is not readable by exim_user nobody:nogroup (uid=65534 gid=65534), which the daemon now runs as and reloads with: Access to the path", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Daemon_AsRootWithoutEximUser_RefusesToStart()
    {
        using var dir = new TempDirectory("exim-priv");
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig().Replace(TestDaemon.RunAsRoot, "", StringComparison.Ordinal));

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bd");

        Assert.NotEqual(0, code);
        Assert.Contains("exim: refusing to run the daemon as root without exim_user: set exim_user (and exim_group)", stderr, StringComparison.Ordinal);
        Assert.Contains("exim_user = \"root\" to run everything as root deliberately", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_AfterTheDrop_ANewPortBelow1024IsRefused_AndTheOldGenerationKeepsServing()
    {
        using var dir = NobodyReachableDirectory();
        var port = FreePrivilegedPort();
        await using var d = await TestDaemon.StartAsync(Config(port), dir);
        var second = FreePrivilegedPort(except: port);

        File.WriteAllText(d.ConfigPath, Config(port).Replace($"daemon_smtp_ports = [{port}]", $"daemon_smtp_ports = [{port}, {second}]", StringComparison.Ordinal));
        d.Process.Signal(Signals.SIGHUP);

        await d.WaitForLogAsync("reload (SIGHUP) rejected");
        Assert.Contains($"socket bind() to port {second} for address 127.0.0.1 failed: Permission denied: ports below 1024 need root, and the daemon runs as uid 65534 since it gave root up after binding its ports at start-up (exim_user): restart it to listen on a new one", d.MainLog, StringComparison.Ordinal);
        await using var client = await SmtpTestClient.ConnectAsync(port);
        Assert.StartsWith("220", await client.ReadReplyAsync(), StringComparison.Ordinal);

        // Nor can the user change without a restart.
        File.WriteAllText(d.ConfigPath, Config(port).Replace("exim_group = \"nogroup\"", "exim_group = \"root\"", StringComparison.Ordinal));
        d.Process.Signal(Signals.SIGHUP);
        await Wait.UntilOrFailAsync(() => d.CountLog("reload (SIGHUP) rejected") == 2, TestTimeouts.Default, () => d.MainLog);
        Assert.Contains(":2:1: exim_group cannot change while the daemon runs (it is \"nogroup\" since start-up): restart the daemon to change it", d.MainLog, StringComparison.Ordinal);
    }

    /// <summary>A temp directory nobody can traverse (the daemon creates and owns its spool inside it), with a Maildir root nobody may write.</summary>
    private static TempDirectory NobodyReachableDirectory()
    {
        var dir = new TempDirectory("exim-priv");
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        Directory.CreateDirectory(dir.Combine("maildir"));
        Posix.Chown(dir.Combine("maildir"), Nobody, Nobody);
        return dir;
    }

    /// <summary>A loopback port below 1024 that nothing listens on (bounded search from the top of the range).</summary>
    private static int FreePrivilegedPort(int except = 0)
    {
        for (var port = 1023; port > 600; port--)
        {
            if (port == except) continue;
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // taken: try the next one
            }
        }
        throw new InvalidOperationException("no free port below 1024 on 127.0.0.1");
    }
}
