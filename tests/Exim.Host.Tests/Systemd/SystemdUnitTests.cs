using System.Diagnostics;
using Exim.TestKit;

namespace Exim.Host.Tests.Systemd;

/// <summary>The unit files under deploy/systemd, checked by systemd's own parser.</summary>
public sealed class SystemdUnitTests
{
    private static string Units => Path.Combine(RepoPaths.Root, "deploy", "systemd");

    [Fact]
    public async Task UnitFiles_PassSystemdAnalyzeVerify_WithoutAWarning()
    {
        // verify wants ExecStart's program to exist: a copy points it at the exim built here instead of /usr/lib/exim/exim.
        using var dir = new TempDirectory("exim-units");
        var built = Path.Combine(Path.GetDirectoryName(RepoPaths.EximDll)!, "exim");
        foreach (var unit in (string[])["exim.service", "exim.socket"])
        {
            dir.Write(unit, File.ReadAllText(Path.Combine(Units, unit)).Replace("/usr/lib/exim/exim ", built + " ", StringComparison.Ordinal));
        }

        var psi = new ProcessStartInfo("systemd-analyze") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["verify", "--man=no", dir.Combine("exim.service"), dir.Combine("exim.socket")]) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Default).Token);
        Assert.True(p.ExitCode == 0 && (await stderr).Length == 0, $"systemd-analyze verify: exit {p.ExitCode}\n{await stdout}{await stderr}");
    }

    [Fact]
    public void Service_IsANotifyServiceOfTheInstalledProgramAndConfig_AndTheSocketListensOnSmtp()
    {
        var service = File.ReadAllLines(Path.Combine(Units, "exim.service"));
        Assert.Contains("Type=notify", service);
        Assert.Contains("ExecStart=/usr/lib/exim/exim -bd -q30m -C /etc/exim/exim.toml", service);
        Assert.Contains("ExecReload=/usr/lib/exim/exim -C /etc/exim/exim.toml --control reload", service);
        Assert.Contains("NoNewPrivileges=yes", service);
        Assert.Contains("ProtectSystem=strict", service);
        var socket = File.ReadAllLines(Path.Combine(Units, "exim.socket"));
        Assert.Contains("ListenStream=127.0.0.1:25", socket); // the packaged exim.toml's local_interfaces
        Assert.Contains("ListenStream=[::1]:25", socket);
    }
}
