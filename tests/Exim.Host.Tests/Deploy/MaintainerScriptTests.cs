using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Deploy;

/// <summary>
/// The package's maintainer scripts run for real: <c>dpkg --root</c> installs the .deb into a scratch Debian root
/// (<see cref="ScratchRoot"/>), so postinst, prerm and postrm run chrooted into it with the real adduser,
/// update-alternatives and install, and the installed daemon then runs there as the user postinst created, on the
/// directories it made, with the installed configuration (only its listening address moved, by -oX). Then an upgrade
/// (the same package again), removal and purge. What is not exercised: the systemctl calls, which only run when systemd
/// is the init system (<c>/run/systemd/system</c>), and it is not on this machine (the unit files are checked with
/// systemd-analyze verify in SystemdUnitTests).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class MaintainerScriptTests(DebianPackage package) : IClassFixture<DebianPackage>
{
    [Fact]
    public async Task Dpkg_Installs_TheDaemonRunsAsTheCreatedUser_AndRemoveAndPurgeUndoIt()
    {
        await using var scratch = await ScratchRoot.StartAsync();

        // Install: postinst configure.
        await scratch.DpkgAsync("--force-depends", "-i", package.DebPath);
        Assert.Contains("Status: install ok installed", await scratch.DpkgAsync("-s", "exim"), StringComparison.Ordinal);
        var passwd = Regex.Match(File.ReadAllText(Path.Combine(scratch.Root, "etc", "passwd")), @"(?m)^exim:x:(\d+):(\d+):[^:]*:/var/spool/exim:/usr/sbin/nologin$");
        Assert.True(passwd.Success, "postinst made no system user exim:\n" + File.ReadAllText(Path.Combine(scratch.Root, "etc", "passwd")));
        var uid = int.Parse(passwd.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(uid, 100, 999); // a system user
        Assert.Matches($@"(?m)^exim:x:{passwd.Groups[2].Value}:$", File.ReadAllText(Path.Combine(scratch.Root, "etc", "group")));
        Assert.Equal("exim:exim 750", await StatAsync(scratch, "/var/spool/exim"));
        Assert.Equal("exim:adm 2750", await StatAsync(scratch, "/var/log/exim"));
        Assert.Equal("exim:exim 755", await StatAsync(scratch, "/run/exim"));
        Assert.Equal("exim:mail 2770", await StatAsync(scratch, "/var/mail/postmaster"));
        Assert.Equal("exim:mail 2770", await StatAsync(scratch, "/var/mail/root"));
        foreach (var link in new[] { "/usr/sbin/sendmail", "/usr/bin/mailq", "/usr/bin/newaliases", "/usr/bin/rmail" })
            Assert.Equal("/usr/lib/exim/exim", (await scratch.ChrootAsync("readlink", "-f", link)).Trim());
        Assert.Contains("Value: /usr/lib/exim/exim", await scratch.ChrootAsync("update-alternatives", "--query", "sendmail"), StringComparison.Ordinal);

        // Start: the installed daemon on the installed configuration (no -C: the package's default), as root, which
        // binds and becomes the exim user; -oX moves it off port 25 (the test's port is read from the main log).
        var mainlog = Path.Combine(scratch.Root, "var", "log", "exim", "mainlog");
        await using (var daemon = scratch.StartChrooted("/usr/lib/exim/exim", "-bdf", "-q30m", "-oX", "127.0.0.1.0", "-oP", "/run/exim/exim.pid"))
        {
            await Wait.UntilOrFailAsync(() => Wait.ReadShared(mainlog).Contains("daemon started", StringComparison.Ordinal) || daemon.HasExited,
                TimeSpan.FromMinutes(1), () => "daemon start\nstderr: " + daemon.Stderr);
            Assert.False(daemon.HasExited, daemon.Stderr + Wait.ReadShared(mainlog));
            Assert.Contains("now running as exim_user exim:exim", Wait.ReadShared(mainlog), StringComparison.Ordinal);
            Assert.Matches($@"(?m)^Uid:\s+{uid}\s+{uid}\s+{uid}\s+{uid}$", File.ReadAllText($"/proc/{daemon.Pid}/status"));
            Assert.Equal(daemon.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(scratch.Root, "run", "exim", "exim.pid")).Trim());
            var port = Regex.Match(Wait.ReadShared(mainlog), @"listening for SMTP on \[127\.0\.0\.1\]:(\d+)").Groups[1].Value;

            var (swaks, output) = await Swaks.RunAsync("--server", "127.0.0.1:" + port, "--ehlo", "client.test.example",
                "--from", "sender@client.test.example", "--to", "postmaster@localhost", "--header", "Subject: over smtp");
            Assert.True(swaks == 0, output);
            // sendmail as the alternatives link it, with no -C, as mail(1) or cron run it.
            var (code, stdout, stderr) = await scratch.TryChrootAsync("To: root@localhost\nSubject: from sendmail\n\nhello\n", "/usr/sbin/sendmail", "-t");
            Assert.True(code == 0, stdout + stderr);
            await Wait.UntilOrFailAsync(() => scratch.Delivered("postmaster").Any(m => m.Contains("Subject: over smtp", StringComparison.Ordinal))
                    && scratch.Delivered("root").Any(m => m.Contains("Subject: from sendmail", StringComparison.Ordinal)),
                TestTimeouts.Default, () => "deliveries into /var/mail\nmainlog:\n" + Wait.ReadShared(mainlog) + "\nstderr:\n" + daemon.Stderr);
            Assert.Equal("exim:mail", (await scratch.ChrootAsync("sh", "-c", "stat -c %U:%G /var/mail/root/new/*")).Trim());
            (code, stdout, stderr) = await scratch.TryChrootAsync("", "/usr/bin/mailq");
            Assert.True(code == 0, $"mailq exited {code}: {stdout}{stderr}");

            daemon.Signal(Signals.SIGTERM);
            Assert.Equal(0, await daemon.WaitForExitAsync(TestTimeouts.Default));
        }
        Assert.False(File.Exists(Path.Combine(scratch.Root, "run", "exim", "exim.pid")), "the pid file outlived the daemon");

        // Upgrade (the same version again): prerm upgrade, postinst configure <old version>; the user and its uid stay.
        await scratch.DpkgAsync("--force-depends", "-i", package.DebPath);
        Assert.Matches($@"(?m)^exim:x:{uid}:", File.ReadAllText(Path.Combine(scratch.Root, "etc", "passwd")));
        Assert.Equal("/usr/lib/exim/exim", (await scratch.ChrootAsync("readlink", "-f", "/usr/sbin/sendmail")).Trim());

        // Remove: prerm remove withdraws the alternatives; the configuration, the spool (queued mail) and the logs stay.
        await scratch.DpkgAsync("-r", "exim");
        Assert.Contains("Status: deinstall ok config-files", await scratch.DpkgAsync("-s", "exim"), StringComparison.Ordinal);
        foreach (var gone in new[] { "/usr/lib/exim/exim", "/usr/sbin/exim", "/usr/sbin/sendmail", "/usr/bin/mailq", "/usr/bin/newaliases", "/usr/bin/rmail", "/etc/alternatives/sendmail" })
            Assert.False(await scratch.ExistsAsync(gone), gone + " is still there after remove");
        Assert.False(File.Exists(Path.Combine(scratch.Root, "var", "lib", "dpkg", "alternatives", "sendmail")), "the sendmail alternative is still registered");
        Assert.True(File.Exists(Path.Combine(scratch.Root, "etc", "exim", "exim.toml")));
        Assert.True(Directory.Exists(Path.Combine(scratch.Root, "var", "spool", "exim", "input")));
        Assert.True(File.Exists(mainlog));

        // Purge: postrm purge deletes the spool, the logs, the run directory; dpkg the conffiles. The user stays.
        await scratch.DpkgAsync("-P", "exim");
        Assert.DoesNotContain("Package: exim", File.ReadAllText(Path.Combine(scratch.Root, "var", "lib", "dpkg", "status")), StringComparison.Ordinal);
        foreach (var gone in new[] { "etc/exim", "var/spool/exim", "var/log/exim", "run/exim" })
            Assert.False(Path.Exists(Path.Combine(scratch.Root, gone)), gone + " is still there after purge");
        Assert.Matches($@"(?m)^exim:x:{uid}:", File.ReadAllText(Path.Combine(scratch.Root, "etc", "passwd")));
        Assert.NotEmpty(scratch.Delivered("root")); // delivered mail is the users', not the package's
    }

    /// <summary>Owner, group and mode as <c>stat</c> prints them inside the root, where the names are its own users'.</summary>
    private static async Task<string> StatAsync(ScratchRoot scratch, string path) => (await scratch.ChrootAsync("stat", "-c", "%U:%G %a", path)).Trim();
}
