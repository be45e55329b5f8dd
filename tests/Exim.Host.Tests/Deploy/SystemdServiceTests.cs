using System.Globalization;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Deploy;

/// <summary>
/// The installed package under a real systemd: the .deb installed with <c>dpkg --root</c> into a scratch Debian root
/// (postinst made the user and the directories), then a container booted on it with systemd 252 as PID 1
/// (<see cref="SystemdContainer"/>: systemd-nspawn, its own network namespace, so port 25 is its own and the shipped
/// configuration runs unchanged but for the Prometheus endpoint). There <c>systemctl start</c>, <c>reload</c> and
/// <c>stop</c> drive exim.service as shipped (Type=notify, the hardening applied by systemd for real), a message goes
/// through over SMTP, Prometheus' scrape endpoint answers, and exim.socket starts the daemon on a connection.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SystemdServiceTests(DebianPackage package) : IClassFixture<DebianPackage>
{
    /// <summary>The capabilities the shipped CapabilityBoundingSet= names, as /proc/PID/status's CapBnd mask: CAP_CHOWN (0),
    /// CAP_DAC_OVERRIDE (1), CAP_DAC_READ_SEARCH (2), CAP_FOWNER (3), CAP_SETGID (6), CAP_SETUID (7), CAP_NET_BIND_SERVICE (10).</summary>
    private const string BoundingSet = "00000000000004cf";

    [RootFact]
    public async Task SystemctlStart_RunsTheInstalledDaemonAsANotifyService_ReloadKeepsIt_StopEndsIt_AndTheSocketActivatesIt()
    {
        await using var scratch = await ScratchRoot.StartAsync();
        await scratch.DpkgAsync("--force-depends", "-i", package.DebPath);
        var uid = Regex.Match(File.ReadAllText(Path.Combine(scratch.Root, "etc", "passwd")), @"(?m)^exim:x:(\d+):").Groups[1].Value;
        Assert.NotEmpty(uid);
        // The one change to the installed configuration: the Prometheus endpoint (README "Metrics"), a top-level option.
        var config = Path.Combine(scratch.Root, "etc", "exim", "exim.toml");
        File.WriteAllText(config, "metrics_prometheus_listen = \"9465\"\n" + File.ReadAllText(config));
        var mainlog = Path.Combine(scratch.Root, "var", "log", "exim", "mainlog");

        await using var container = await SystemdContainer.BootAsync(scratch);
        async Task<string> Describe() => $"journal:\n{await container.JournalAsync("exim.service", "exim.socket")}\nmainlog:\n{Wait.ReadShared(mainlog)}";
        // postinst enables and starts nothing (the operator runs systemctl enable --now exim, README "Deploy on a server").
        Assert.Equal("inactive", (await container.SystemctlAsync("is-active", "exim.service")).Stdout.Trim());

        // Start: returns once the daemon sent READY=1, i.e. its listeners are bound and its first generation runs.
        var (code, stdout, stderr) = await container.SystemctlAsync("start", "exim.service");
        Assert.True(code == 0, $"systemctl start exim: exit {code} {stdout}{stderr}\n{await Describe()}");
        var show = await container.ShowAsync("exim.service", "Type", "NotifyAccess", "MainPID", "ActiveState", "SubState", "StatusText");
        Assert.Equal(("notify", "main", "active", "running"), (show["Type"], show["NotifyAccess"], show["ActiveState"], show["SubState"]));
        Assert.Matches(@"^\d+ sessions? active, \d+ messages? in queue$", show["StatusText"]);
        var mainPid = show["MainPID"];
        Assert.NotEqual("0", mainPid);
        Assert.Contains($"daemon started: pid={mainPid},", Wait.ReadShared(mainlog), StringComparison.Ordinal);

        // The hardening of exim.service, as the kernel applies it to the daemon (not as systemctl show repeats the file).
        var status = (await container.RunAsync("cat", $"/proc/{mainPid}/status")).Stdout;
        Assert.Matches($@"(?m)^Uid:\s+{uid}\s+{uid}\s+{uid}\s+{uid}$", status); // became the exim user for good
        Assert.Matches(@"(?m)^CapEff:\s+0+$", status);
        Assert.Matches($@"(?m)^CapBnd:\s+{BoundingSet}$", status);              // CapabilityBoundingSet=
        Assert.Matches(@"(?m)^NoNewPrivs:\s+1$", status);                       // NoNewPrivileges=yes
        Assert.Matches(@"(?m)^Seccomp:\s+2$", status);                          // the Restrict*= and SystemCallArchitectures= filters
        // Its mounts against those of the container's PID 1, where / is writable and /tmp, /root are the container's.
        var mounts = (await container.RunAsync("cat", $"/proc/{mainPid}/mountinfo")).Stdout;
        var initMounts = (await container.RunAsync("cat", "/proc/1/mountinfo")).Stdout;
        Assert.Contains("rw", MountOptions(initMounts, "/"));
        Assert.True(MountOptions(mounts, "/").Contains("ro", StringComparer.Ordinal), "ProtectSystem=strict: / is writable\n" + mounts);
        Assert.True(MountOptions(mounts, "/var/spool/exim").Contains("rw", StringComparer.Ordinal), "ReadWritePaths=: the spool is not writable\n" + mounts);
        Assert.True(MountOptions(mounts, "/var/log/exim").Contains("rw", StringComparer.Ordinal), "ReadWritePaths=: the logs are not writable\n" + mounts);
        Assert.NotEqual(MountId(mounts, "/tmp"), MountId(initMounts, "/tmp"));                 // PrivateTmp=
        Assert.Matches(@"(?m)^\S+ \S+ \S+ \S+ /root ", mounts);                               // ProtectHome= hides it
        Assert.DoesNotMatch(@"(?m)^\S+ \S+ \S+ \S+ /root ", initMounts);

        // A message over SMTP on the container's loopback, delivered into the Maildir postinst made.
        var (swaks, output) = await SwaksAsync(container, "over systemd");
        Assert.True(swaks == 0, output + await Describe());
        await Wait.UntilOrFailAsync(() => scratch.Delivered("postmaster").Any(m => m.Contains("Subject: over systemd", StringComparison.Ordinal)),
            TestTimeouts.Default, () => "delivery into /var/mail/postmaster\n" + Wait.ReadShared(mainlog));

        // Prometheus' scrape of the systemd-started daemon, with its Accept header (the exporter caches a scrape for a
        // moment: asked until the message shows).
        var scrape = "";
        await Wait.UntilOrFailAsync(async () =>
        {
            var (curl, text, error) = await container.RunInNetworkAsync("curl", "-sS", "--max-time", "10",
                "-H", "Accept: application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5", "http://127.0.0.1:9465/metrics");
            scrape = $"curl exit {curl}: {text}{error}";
            return Regex.IsMatch(text, @"(?m)^exim_message_received_total(\{[^}]*\})? 1$");
        }, TestTimeouts.Default, () => scrape);

        // Reload: ExecReload= asks the daemon over its control socket and returns once the new generation is in force;
        // the same process keeps the same listening socket and has told systemd READY=1 again.
        var listener = await ListeningSocketAsync(container);
        (code, stdout, stderr) = await container.SystemctlAsync("reload", "exim.service");
        Assert.True(code == 0, $"systemctl reload exim: exit {code} {stdout}{stderr}\n{await Describe()}");
        show = await container.ShowAsync("exim.service", "MainPID", "ActiveState", "SubState");
        Assert.Equal((mainPid, "active", "running"), (show["MainPID"], show["ActiveState"], show["SubState"]));
        Assert.Matches(@"configuration reloaded \([^)]+\): generation 1 -> 2 ", Wait.ReadShared(mainlog));
        Assert.Equal(listener, await ListeningSocketAsync(container));
        Assert.Contains("Reloaded exim.service", await container.JournalAsync("exim.service"), StringComparison.Ordinal);

        // A broken configuration: the reload fails with its error, and the daemon runs on with the old one.
        var good = File.ReadAllText(config);
        File.WriteAllText(config, "this is not toml\n" + good);
        (code, stdout, stderr) = await container.SystemctlAsync("reload", "exim.service");
        Assert.True(code != 0, "systemctl reload succeeded on a broken configuration\n" + await Describe());
        Assert.Contains("exim.toml:1:", await container.JournalAsync("exim.service"), StringComparison.Ordinal);
        show = await container.ShowAsync("exim.service", "MainPID", "ActiveState", "SubState");
        Assert.Equal((mainPid, "active", "running"), (show["MainPID"], show["ActiveState"], show["SubState"]));
        File.WriteAllText(config, good);

        // Stop: SIGTERM, STOPPING=1, a clean exit.
        (code, stdout, stderr) = await container.SystemctlAsync("stop", "exim.service");
        Assert.True(code == 0, $"systemctl stop exim: exit {code} {stdout}{stderr}\n{await Describe()}");
        show = await container.ShowAsync("exim.service", "ActiveState", "Result", "ExecMainStatus");
        Assert.Equal(("inactive", "success", "0"), (show["ActiveState"], show["Result"], show["ExecMainStatus"]));
        Assert.Contains($"pid {mainPid}: daemon stopped", Wait.ReadShared(mainlog), StringComparison.Ordinal);

        // Socket activation: systemd holds port 25, the first connection starts exim.service, which adopts the socket.
        (code, stdout, stderr) = await container.SystemctlAsync("start", "exim.socket");
        Assert.True(code == 0, $"systemctl start exim.socket: exit {code} {stdout}{stderr}");
        (swaks, output) = await SwaksAsync(container, "socket activated");
        Assert.True(swaks == 0, output + await Describe());
        show = await container.ShowAsync("exim.service", "ActiveState", "SubState", "TriggeredBy", "MainPID");
        Assert.Equal(("active", "running", "exim.socket"), (show["ActiveState"], show["SubState"], show["TriggeredBy"]));
        Assert.Matches(@"socket activation: systemd passed the listening socket \[127\.0\.0\.1\]:25 \(exim\.socket\)", Wait.ReadShared(mainlog));
        await Wait.UntilOrFailAsync(() => scratch.Delivered("postmaster").Any(m => m.Contains("Subject: socket activated", StringComparison.Ordinal)),
            TestTimeouts.Default, () => "delivery into /var/mail/postmaster\n" + Wait.ReadShared(mainlog));
        (code, stdout, stderr) = await container.SystemctlAsync("stop", "exim.socket", "exim.service");
        Assert.True(code == 0, $"systemctl stop exim.socket exim.service: exit {code} {stdout}{stderr}\n{await Describe()}");
        Assert.Equal("success", (await container.ShowAsync("exim.service", "Result"))["Result"]);
    }

    /// <summary>swaks on the container's loopback; --timeout bounds each wait for a reply (so a daemon that never answers
    /// fails within the 30 s of the run).</summary>
    private static async Task<(int ExitCode, string Output)> SwaksAsync(SystemdContainer container, string subject)
    {
        var (code, stdout, stderr) = await container.RunInNetworkAsync("swaks", "--server", "127.0.0.1:25", "--timeout", "10",
            "--ehlo", "client.test.example", "--from", "sender@client.test.example", "--to", "postmaster@localhost",
            "--header", "Subject: " + subject);
        return (code, stdout + stderr);
    }

    /// <summary>The socket listening on 127.0.0.1:25 in the container, by its inode (<c>ss -e</c>).</summary>
    private static async Task<string> ListeningSocketAsync(SystemdContainer container)
    {
        var (_, stdout, stderr) = await container.RunInNetworkAsync("ss", "-Hltne", "src", "127.0.0.1:25");
        var inode = Regex.Match(stdout, @"\bino:(\d+)");
        Assert.True(inode.Success, "nothing listens on 127.0.0.1:25: " + stdout + stderr);
        return inode.Groups[1].Value;
    }

    /// <summary>The mount options of the mount at <paramref name="mountPoint"/> (the last one there) in a mountinfo.</summary>
    private static string[] MountOptions(string mountinfo, string mountPoint) => MountFields(mountinfo, mountPoint)[5].Split(',');

    private static string MountId(string mountinfo, string mountPoint) => MountFields(mountinfo, mountPoint)[0];

    private static string[] MountFields(string mountinfo, string mountPoint)
        => mountinfo.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).LastOrDefault(f => f[4] == mountPoint)
            ?? throw new Xunit.Sdk.XunitException($"no mount at {mountPoint}:\n{mountinfo}");
}
