using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Redirect;

/// <summary>
/// A daemon with the redirect, pipe and appendfile plugins loaded from their built folders, as exim.toml declares them: an aliases
/// file with every item kind in front of a Maildir router; a router where pipes are forbidden; root's <c>.forward</c>
/// (check_local_user, with its <c>$home</c> under the test directory). Messages are queued and delivered with -M.
/// </summary>
public sealed class RedirectDaemonFixture : IAsyncLifetime
{
    public TestDaemon Daemon { get; private set; } = null!;

    public string AliasesPath => Daemon.Directory.Combine("aliases");
    public string PipeOutput => Daemon.Directory.Combine("pipe-output");
    public string PipeEnvironment => Daemon.Directory.Combine("pipe-env");
    public string PipeCommand => $"/bin/sh -c 'cat > {PipeOutput}; env > {PipeEnvironment}'";
    public string CommandOutput => Daemon.Directory.Combine("command-output");
    public string FlakyRuns => Daemon.Directory.Combine("flaky-runs");

    public async Task InitializeAsync()
    {
        var dir = new TempDirectory("redirect-daemon");
        dir.Write("team.list", "# the team\ncarol\ndave@mx.test\n");
        dir.Write("aliases", $"""
            # /etc/aliases, every item kind
            postmaster: postmaster, joe
            staff:      alice,
                        bob@mx.test
            team:       :include:{dir.Combine("team.list")}
            gone:       :fail: Carol has left, write to staff@mx.test
            moving:     :defer: mailbox being moved
            trap:       :blackhole:
            tickets:    "|/bin/sh -c 'cat > {dir.Combine("pipe-output")}; env > {dir.Combine("pipe-env")}'"
            broken:     "|/bin/sh -c 'exit 1'"
            archive:    {dir.Combine("archive.mbox")}
            lists:      joe, {dir.Combine("folders", "lists")}/
            flaky:      alice, joe@flaky.test
            mixed:      alice, "|/bin/sh -c 'cat > {dir.Combine("forbidden-output")}'"
            """);
        dir.Write("root/.forward", "# root reads mail as alice\nalice\n");
        Daemon = await TestDaemon.StartAsync($$"""
            spool_directory = "spool"
            primary_hostname = "mx.test"
            local_interfaces = ["127.0.0.1"]
            daemon_smtp_ports = [0]
            local_domains = ["mx.test", "nopipe.test", "pipe.test", "flaky.test"]
            relay_from_hosts = ["127.0.0.0/8"]
            queue_only = true                     # the tests deliver with -M

            [[routers]]
            name = "to_command"
            driver = "accept"
            domains = ["pipe.test"]
            transport = "command_pipe"

            [[routers]]
            name = "to_flaky"
            driver = "accept"
            domains = ["flaky.test"]
            transport = "flaky_pipe"

            [[routers]]
            name = "nopipe_aliases"
            driver = "redirect"
            domains = ["nopipe.test"]
            aliases_file = "aliases"
            forbid_pipe = true
            pipe_transport = "address_pipe"

            [[routers]]
            name = "system_aliases"
            driver = "redirect"
            domains = ["mx.test"]
            aliases_file = "aliases"
            allow_fail = true
            allow_defer = true
            pipe_transport = "address_pipe"
            file_transport = "address_file"
            directory_transport = "address_directory"

            [[routers]]
            name = "userforward"
            driver = "redirect"
            domains = ["mx.test"]
            check_local_user = true
            file = "{{dir.Path}}$home/.forward"   # root's $home is /root: its .forward is under the test directory
            check_ancestor = true

            [[routers]]
            name = "localuser"
            driver = "accept"
            domains = ["mx.test", "nopipe.test"]
            transport = "local_delivery"

            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "maildir/$local_part"

            [[transports]]
            name = "address_pipe"
            driver = "pipe"
            return_path_add = true

            [[transports]]
            name = "address_file"
            driver = "appendfile"

            [[transports]]
            name = "address_directory"
            driver = "appendfile"
            maildir_format = true

            [[transports]]
            name = "flaky_pipe"
            driver = "pipe"
            command = "/bin/sh -c 'echo run >> {{dir.Combine("flaky-runs")}}; exit 75'"

            [[transports]]
            name = "command_pipe"
            driver = "pipe"
            command = "/bin/sh -c 'cat > {{dir.Combine("command-output")}}; exit $EXIT_CODE'"
            environment = "EXIT_CODE=0"

            [[retry]]
            pattern = "*"
            rules = "F,2h,15m"

            [plugins.daemon]
            assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"

            [plugins.redirect]
            assembly = "{{RepoPaths.Plugin("redirect", "Exim.Plugins.Redirect.dll")}}"

            [plugins.pipe]
            assembly = "{{RepoPaths.Plugin("pipe", "Exim.Plugins.Pipe.dll")}}"

            [plugins.appendfile]
            assembly = "{{RepoPaths.Plugin("appendfile", "Exim.Plugins.Appendfile.dll")}}"
            """, dir);
    }

    /// <summary>Sends one message and returns its id.</summary>
    public async Task<string> SendAsync(string from, string to, string subject)
    {
        await using var client = await SmtpTestClient.ConnectAsync(Daemon.Port);
        Assert.StartsWith("220", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync($"MAIL FROM:<{from}>"));
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<{to}>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendBytesAsync(Encoding.ASCII.GetBytes($"From: <{from}>\r\nTo: <{to}>\r\nSubject: {subject}\r\n\r\nBody of {subject}.\r\n"));
        var reply = await client.CommandAsync(".");
        Assert.StartsWith("250", reply);
        await client.CommandAsync("QUIT");
        return reply["250 OK id=".Length..];
    }

    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
        => EximProcess.RunAsync(Daemon.Directory.Path, ["-C", Daemon.ConfigPath, .. args]);

    /// <summary>The messages in <paramref name="localPart"/>'s Maildir.</summary>
    public string[] Delivered(string localPart)
    {
        var dir = Daemon.Directory.Combine("maildir", localPart, "new");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Select(File.ReadAllText)] : [];
    }

    /// <summary>The main log lines about message <paramref name="id"/>, without their time stamps.</summary>
    public string[] LogOf(string id)
        => [.. Daemon.MainLog.Split('\n').Where(l => l.Contains(id, StringComparison.Ordinal)).Select(l => l[(l.IndexOf(id, StringComparison.Ordinal) + id.Length + 1)..])];

    public async Task DisposeAsync() => await Daemon.DisposeAsync();
}
