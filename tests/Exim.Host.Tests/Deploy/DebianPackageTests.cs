using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Deploy;

/// <summary>
/// deploy/build-deb.sh's package, unpacked into a scratch root: its contents, its maintainer scripts, a ReadyToRun
/// self-contained runtime, and the installed executable running the installed configuration (moved to test locations)
/// as a daemon that takes a message over SMTP and one from its sendmail name and delivers both.
/// Serial: the first run publishes the host and the plugins (a minute or two of both cores).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class DebianPackageTests(DebianPackage package) : IClassFixture<DebianPackage>
{
    private static readonly string[] AlternativeNames = ["mailq", "newaliases", "rmail"];

    /// <summary>The executable, its assembly, its own runtime (self-contained), the link in /usr/sbin, the configuration, the directories.</summary>
    private static readonly string[] ExpectedFiles =
    [
        "./usr/lib/exim/exim", "./usr/lib/exim/exim.dll", "./usr/lib/exim/libcoreclr.so", "./usr/sbin/exim",
        "./etc/exim/exim.toml", "./etc/logrotate.d/exim", "./usr/lib/tmpfiles.d/exim.conf", "./var/spool/exim/", "./var/log/exim/",
    ];

    [Fact]
    public void Control_NamesThePackageVersionAndArchitecture()
    {
        var control = File.ReadAllText(Path.Combine(package.Control, "control"));
        var version = Regex.Match(File.ReadAllText(Path.Combine(RepoPaths.Root, "Directory.Build.props")), "<Version>(.*?)</Version>").Groups[1].Value;

        Assert.Matches(@"(?m)^Package: exim$", control);
        Assert.Matches($@"(?m)^Version: {Regex.Escape(version)}-1$", control);
        Assert.Matches(@"(?m)^Architecture: amd64$", control);
        Assert.Matches(@"(?m)^Provides: mail-transport-agent$", control);
        Assert.Matches(@"(?m)^Installed-Size: [1-9][0-9]*$", control);
        Assert.EndsWith($"exim_{version}-1_amd64.deb", package.DebPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_HoldsTheProgramThePluginsTheConfigAndTheDirectories()
    {
        var files = package.Files.ToHashSet();
        foreach (var path in ExpectedFiles) Assert.Contains(path, files);
        foreach (var script in System.IO.Directory.GetFiles(Path.Combine(RepoPaths.Root, "scripts"), "*.csx"))
            Assert.Contains("./etc/exim/scripts/" + Path.GetFileName(script), files);
        foreach (var project in System.IO.Directory.GetFiles(Path.Combine(RepoPaths.Root, "plugins"), "*.csproj", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(Path.GetDirectoryName(project)!);
            Assert.Contains($"./usr/lib/exim/plugins/{name}/{Path.GetFileNameWithoutExtension(project)}.dll", files);
        }
        // The plugins share the host's contract assembly: a copy beside a plugin would load as different types.
        Assert.DoesNotContain(files, f => f.StartsWith("./usr/lib/exim/plugins/", StringComparison.Ordinal) && f.EndsWith("/Exim.Abstractions.dll", StringComparison.Ordinal));
        Assert.True((File.GetUnixFileMode(package.Executable) & UnixFileMode.UserExecute) != 0);
        // Self-contained: the runtime is the one beside it ("includedFrameworks"), not a shared one looked for at run time.
        var runtimeConfig = File.ReadAllText(Path.Combine(package.Root, "usr", "lib", "exim", "exim.runtimeconfig.json"));
        Assert.Contains("\"includedFrameworks\"", runtimeConfig, StringComparison.Ordinal);
    }

    [Fact]
    public void Package_InstallsTheSystemdUnitsOfDeploySystemd()
    {
        var units = System.IO.Directory.Exists(Path.Combine(RepoPaths.Root, "deploy", "systemd"))
            ? System.IO.Directory.GetFiles(Path.Combine(RepoPaths.Root, "deploy", "systemd"))
                .Where(f => f.EndsWith(".service", StringComparison.Ordinal) || f.EndsWith(".socket", StringComparison.Ordinal))
                .Select(Path.GetFileName).Order().ToList()
            : [];
        var packaged = package.Files.Where(f => f.StartsWith("./lib/systemd/system/", StringComparison.Ordinal) && !f.EndsWith('/'))
            .Select(Path.GetFileName).Order().ToList();
        Assert.Equal(units, packaged);
    }

    [Fact]
    public void Conffiles_AreEveryFileUnderEtc()
    {
        var conffiles = File.ReadAllLines(Path.Combine(package.Control, "conffiles")).Where(l => l.Length > 0).Order().ToList();
        var underEtc = package.Files.Where(f => f.StartsWith("./etc/", StringComparison.Ordinal) && !f.EndsWith('/')).Select(f => f[1..]).Order().ToList();
        Assert.Contains("/etc/exim/exim.toml", conffiles);
        Assert.Contains("/etc/exim/scripts/rcpt.csx", conffiles);
        Assert.Equal(underEtc, conffiles);
    }

    [Fact]
    public async Task MaintainerScripts_AreValidShell_AndSetUpTheUserTheDirectoriesAndTheAlternatives()
    {
        foreach (var name in new[] { "postinst", "prerm", "postrm" })
        {
            var path = Path.Combine(package.Control, name);
            Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, name + " is not executable");
            await DebianPackage.RunAsync("sh", TestTimeouts.Default, "-n", path);
        }
        var postinst = File.ReadAllText(Path.Combine(package.Control, "postinst"));
        Assert.Contains("adduser --system --group", postinst, StringComparison.Ordinal);
        Assert.Contains("install -d -o exim -g exim -m 0750 /var/spool/exim", postinst, StringComparison.Ordinal);
        Assert.Contains("install -d -o exim -g adm -m 2750 /var/log/exim", postinst, StringComparison.Ordinal);
        Assert.Matches(@"update-alternatives --install /usr/sbin/sendmail sendmail /usr/lib/exim/exim \d+", postinst);
        foreach (var name in AlternativeNames)
            Assert.Contains($"--slave /usr/bin/{name} {name} /usr/lib/exim/exim", postinst, StringComparison.Ordinal);
        Assert.Contains("update-alternatives --remove sendmail /usr/lib/exim/exim", File.ReadAllText(Path.Combine(package.Control, "prerm")), StringComparison.Ordinal);
        var postrm = File.ReadAllText(Path.Combine(package.Control, "postrm"));
        Assert.Matches(@"""purge"" \]; then\s+rm -rf /var/spool/exim /var/log/exim", postrm);
        // What systemd's unit and the daemon's config expect is what postinst makes.
        var config = File.ReadAllText(Path.Combine(package.Root, "etc", "exim", "exim.toml"));
        Assert.Contains("exim_user = \"exim\"", config, StringComparison.Ordinal);
        Assert.Contains("spool_directory = \"/var/spool/exim\"", config, StringComparison.Ordinal);
        Assert.Contains("log_file_path = \"/var/log/exim/%slog\"", config, StringComparison.Ordinal);
    }

    [Fact]
    public void CoreAssemblies_AreReadyToRunImages()
    {
        foreach (var assembly in new[] { "exim.dll", "Exim.Mail.dll", "Exim.Abstractions.dll", "plugins/daemon/Exim.Plugins.Daemon.dll" })
            Assert.True(IsReadyToRun(Path.Combine(package.Root, "usr", "lib", "exim", assembly)), assembly + " has no ReadyToRun code");
        // The check tells the difference: the checkout's own build is IL only.
        Assert.False(IsReadyToRun(RepoPaths.EximDll));
    }

    [Fact]
    public async Task InstalledExecutable_ChecksTheInstalledConfig()
    {
        var (code, stdout, stderr) = await EximProcess.RunExecutableAsync(package.Executable, package.Directory.Path, "", "-bV", "-C", RelocatedConfig());

        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("Exim version 4.96", stdout, StringComparison.Ordinal);
        Assert.Contains("daemon", stdout, StringComparison.Ordinal);
        Assert.Contains("dns-resolver", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledDaemon_TakesMailOverSmtpAndFromSendmail_AndDeliversIt()
    {
        var config = RelocatedConfig();
        System.IO.Directory.CreateDirectory(Path.Combine(package.Root, "run", "exim"));   // postinst's and tmpfiles.d's
        var mainlog = Path.Combine(package.Root, "var", "log", "exim", "mainlog");
        await using var daemon = EximProcess.StartExecutable(package.Executable, package.Directory.Path, "-bdf", "-q30m", "-C", config);
        await Wait.UntilOrFailAsync(() => Wait.ReadShared(mainlog).Contains("daemon started", StringComparison.Ordinal) || daemon.HasExited,
            TestTimeouts.Startup, () => "daemon start\nstderr: " + daemon.Stderr);
        Assert.False(daemon.HasExited, daemon.Stderr);
        var port = Regex.Match(Wait.ReadShared(mainlog), @"listening for SMTP on.*?\[127\.0\.0\.1\]:(\d+)").Groups[1].Value;
        Assert.True(File.Exists(Path.Combine(package.Root, "run", "exim", "exim.pid")), "no pid file at the configured pid_file_path");

        var (swaks, output) = await Swaks.RunAsync("--server", "127.0.0.1:" + port, "--ehlo", "client.test.example",
            "--from", "sender@client.test.example", "--to", "postmaster@localhost", "--header", "Subject: over smtp");
        Assert.True(swaks == 0, output);

        // sendmail, as update-alternatives links it: the executable under another name, submitting to the daemon.
        var sendmail = package.Directory.Combine("sendmail");
        if (!File.Exists(sendmail)) File.CreateSymbolicLink(sendmail, package.Executable);
        var (code, stdout, stderr) = await EximProcess.RunExecutableAsync(sendmail, package.Directory.Path,
            "To: root@localhost\nSubject: from sendmail\n\nhello\n", "-C", config, "-t");
        Assert.True(code == 0, stdout + stderr);

        // The delivery is logged after the message is in the Maildir: both are waited for.
        await Wait.UntilOrFailAsync(() => Delivered("postmaster").Any(m => m.Contains("Subject: over smtp", StringComparison.Ordinal))
                && Delivered("root").Any(m => m.Contains("Subject: from sendmail", StringComparison.Ordinal))
                && Wait.ReadShared(mainlog).Contains("=> postmaster <postmaster@localhost> R=localuser T=local_delivery", StringComparison.Ordinal)
                && Wait.ReadShared(mainlog).Contains("=> root <root@localhost> R=localuser T=local_delivery", StringComparison.Ordinal),
            TestTimeouts.Default, () => "deliveries into var/mail and their log lines\nmainlog:\n" + Wait.ReadShared(mainlog) + "\nstderr:\n" + daemon.Stderr);
        var input = Path.Combine(package.Root, "var", "spool", "exim", "input");
        await Wait.UntilOrFailAsync(() => System.IO.Directory.GetFiles(input).Length == 0, TestTimeouts.Default,
            () => "the delivered messages to leave the queue: " + string.Join(' ', System.IO.Directory.GetFiles(input)));
    }

    private IEnumerable<string> Delivered(string mailbox)
    {
        var dir = Path.Combine(package.Root, "var", "mail", mailbox, "new");
        return System.IO.Directory.Exists(dir) ? System.IO.Directory.GetFiles(dir).Select(Wait.ReadShared) : [];
    }

    /// <summary>
    /// The installed /etc/exim/exim.toml with every installed path moved under the scratch root, the port a free one,
    /// loopback IPv4 only, and root as the user (there is no exim user here): written beside it, so the hook scripts'
    /// relative paths find /etc/exim/scripts as they do on a server. Each change must find what it changes.
    /// </summary>
    private string RelocatedConfig()
    {
        var config = File.ReadAllText(Path.Combine(package.Root, "etc", "exim", "exim.toml"));
        config = Change(config, "exim_user = \"exim\"", TestDaemon.RunAsRoot);
        config = Change(config, "exim_group = \"exim\"", "");
        config = Change(config, "daemon_smtp_ports = [\"25\"]", "daemon_smtp_ports = [0]");
        config = Change(config, "local_interfaces = [\"127.0.0.1\", \"::1\"]", "local_interfaces = [\"127.0.0.1\"]");
        foreach (var path in new[] { "/usr/lib/exim/", "/var/spool/exim", "/var/log/exim/", "/run/exim/", "/var/mail/" })
            config = Change(config, "\"" + path, "\"" + package.Root + path);
        var relocated = Path.Combine(package.Root, "etc", "exim", "exim-test.toml");
        File.WriteAllText(relocated, "primary_hostname = \"mail.test.example\"\n" + config);
        return relocated;
    }

    private static string Change(string config, string from, string to)
    {
        Assert.True(config.Contains(from, StringComparison.Ordinal), $"the packaged exim.toml has no {from}");
        return config.Replace(from, to, StringComparison.Ordinal);
    }

    /// <summary>Whether the assembly carries precompiled code: a ManagedNativeHeader holding the READYTORUN_HEADER ("RTR").</summary>
    private static bool IsReadyToRun(string path)
    {
        using var pe = new PEReader(File.OpenRead(path));
        var directory = pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory;
        if (directory.Size == 0 || !pe.PEHeaders.TryGetDirectoryOffset(directory, out var offset)) return false;
        var image = pe.GetEntireImage().GetContent();
        return BitConverter.ToUInt32(image.AsSpan(offset, 4)) == 0x00525452;
    }
}
