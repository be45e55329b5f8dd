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

    /// <summary>
    /// The stage policies of local sessions: the connect stage logs the local user it sees; RCPT refuses <c>refused-*</c>
    /// naming that user; the data stage adds <c>X-Stage-Check</c> to a message whose Subject is <c>stage-check</c>,
    /// saying whose it is and whether Date: and Message-Id: were there when it decided.
    /// </summary>
    public const string AcceptScript = """
        return Connection.LocalUser is { } user ? Verdict.Accept.WithLog($"connect stage saw local user {user}") : Verdict.Accept;
        """;

    public const string StageScript = """
        switch (Stage)
        {
            case SmtpStage.Rcpt:
                return Recipient!.StartsWith("refused-") ? Verdict.Reject($"no mail to {Recipient} from {Connection.LocalUser ?? "a network client"}") : Verdict.Accept;
            case SmtpStage.Data:
                if (Message!.Headers["Subject"]?.Trim() != "stage-check") return Verdict.Accept;
                string Has(string name) => Message.Headers[name] is null ? "missing" : "present";
                return Verdict.Accept.AddHeader("X-Stage-Check", $"user={Connection.LocalUser} date={Has("Date")} message-id={Has("Message-Id")}");
        }
        return Verdict.Accept;
        """;

    /// <summary>The not_smtp stage, deciding by the Subject of a message submitted without SMTP.</summary>
    public const string NotSmtpScript = """
        switch (Message!.Headers["Subject"]?.Trim())
        {
            case "reject-me": return Verdict.Reject($"no such mail from {Connection.LocalUser}").WithLog($"refused {Sender} to {Recipients.Count} recipient(s)");
            case "defer-me": return Verdict.Defer("policy store unavailable");
            case "discard-me": return Verdict.Discard.WithLog("into the void");
            case "modify-me": return Verdict.Accept.AddHeader("X-Not-Smtp", $"user={Connection.LocalUser} sender={Sender} rcpts={Recipients.Count} stage={Stage}").RemoveHeader("X-Remove-Me");
            case "queue-me": return Verdict.Accept.WithQueueOnly();
            case "ratelimit-me":
                var rate = await RateLimit(Connection.LocalUser + "-not-smtp", 3, TimeSpan.FromHours(1), RateLimitUnit.PerRecipient);
                return rate.Over ? Verdict.Defer($"{Connection.LocalUser} sent to too many recipients") : Verdict.Accept;
        }
        return Verdict.Accept;
        """;

    /// <summary>The <c>[hooks]</c> table for the scripts above, written beside the configuration by <see cref="WriteScripts"/>.</summary>
    public const string Hooks = """

        [hooks]
        accept = "accept.csx"
        rcpt = "stage.csx"
        data = "stage.csx"
        not_smtp = "notsmtp.csx"
        """;

    public static void WriteScripts(TempDirectory directory)
    {
        directory.Write("accept.csx", AcceptScript);
        directory.Write("stage.csx", StageScript);
        directory.Write("notsmtp.csx", NotSmtpScript);
    }

    public static string Config(string extra = "", string hooks = "") => $$"""
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
        {{hooks}}
        """;

    public async Task InitializeAsync()
    {
        var directory = new TempDirectory("exim-sendmail");
        directory.Write("exim.toml", Config(hooks: Hooks));
        WriteScripts(directory);
        Submitter.OpenUp(directory);
        Daemon = await TestDaemon.StartAsync(Config(hooks: Hooks), directory);
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
