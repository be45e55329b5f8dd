using Exim.Host.Configuration;
using Exim.Host.Submission;
using Exim.TestKit;

namespace Exim.Host.Tests.Submission;

/// <summary>
/// One daemon for the submission tests (each test uses recipients of its own): local domain test.example delivered
/// into maildir/&lt;local part&gt;, <c>untrusted_set_sender</c> allowing <c>*@lists.example</c>; its directory and
/// config readable by nobody, its spool not writable by nobody.
/// </summary>
public sealed class SendmailDaemonFixture : IAsyncLifetime
{
    public TestDaemon Daemon { get; private set; } = null!;

    public TempDirectory Directory => Daemon.Directory;

    public static string Config(string extra = "") => $$"""
        spool_directory = "spool"
        primary_hostname = "mx.test.example"
        local_interfaces = ["127.0.0.1"]
        daemon_smtp_ports = [0]
        local_domains = ["test.example"]
        relay_from_hosts = ["127.0.0.1"]
        untrusted_set_sender = ["*@lists.example"]
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

    public async Task InitializeAsync()
    {
        var directory = new TempDirectory("exim-sendmail");
        directory.Write("exim.toml", Config());
        Submitter.OpenUp(directory);
        Daemon = await TestDaemon.StartAsync(Config(), directory);
        // "daemon started" is logged once the SMTP listeners are bound; the submission socket follows the first generation.
        // Wait for it in the kernel's table of Unix sockets, without connecting (a connection would be a submission).
        var loaded = TomlConfigLoader.Load(Daemon.ConfigPath);
        Assert.True(loaded.Succeeded, string.Join("\n", loaded.Errors));
        var name = SubmissionSocket.Name(loaded.Config.Config.Main);
        await Wait.UntilOrFailAsync(() => File.ReadAllText("/proc/net/unix").Split('\n').Any(l => l.EndsWith(" " + name, StringComparison.Ordinal)),
            TestTimeouts.Startup, () => $"submission socket {name} not listening\n{Daemon.MainLog}");
    }

    public async Task DisposeAsync() => await Daemon.DisposeAsync();

    /// <summary>The id of the message whose -H file lists <paramref name="recipient"/> (still queued), or null.</summary>
    public string? QueuedIdFor(string recipient)
    {
        foreach (var file in System.IO.Directory.GetFiles(Daemon.InputDirectory, "*-H"))
        {
            var text = File.ReadAllText(file);
            if (text.Split('\n').Contains(recipient)) return Path.GetFileName(file)[..^2];
        }
        return null;
    }
}
