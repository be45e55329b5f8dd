using System.Diagnostics;
using System.Globalization;
using Exim.Mail.Native;
using Exim.TestKit;

namespace Exim.Host.Tests.Metrics;

/// <summary>
/// <c>dotnet-counters</c> against a real daemon that started as root and became its Exim user: the Exim user watches the
/// <c>Exim</c> meter as anyone watches their own .NET process (the runtime's diagnostic socket, made at start as root,
/// is handed over before the drop), and the counters it shows move with the connections made meanwhile.
/// </summary>
public sealed class DotnetCountersTests
{
    private const int Nobody = 65534;

    [Fact]
    public async Task Collect_AsTheEximUser_AfterThePrivilegeDrop_ShowsTheExim_MeterMoving()
    {
        var tool = await DotnetCounters.EnsureInstalledAsync();
        using var dir = new TempDirectory("exim-counters");
        File.SetUnixFileMode(dir.Path, (UnixFileMode)0b111_101_101);
        var output = dir.Combine("out");
        Directory.CreateDirectory(output);
        Posix.Chown(output, Nobody, Nobody);
        await using var d = await TestDaemon.StartAsync($$"""
            exim_user = "nobody"
            exim_group = "nogroup"
            spool_directory = "spool"
            primary_hostname = "mx.test.example"
            local_interfaces = ["127.0.0.1"]
            daemon_smtp_ports = [0]
            {{TestDaemon.SmtpLogSelector}}

            [plugins.daemon]
            assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"
            """, dir);
        await d.WaitForLogAsync("now running as exim_user nobody:nogroup");
        await using var held = await SmtpTestClient.ConnectAsync(d.Port); // one session open all along
        Assert.StartsWith("220", await held.ReadReplyAsync(), StringComparison.Ordinal);

        var csv = Path.Combine(output, "counters.csv");
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in (string[])[$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "env", $"HOME={output}", $"DOTNET_CLI_HOME={output}",
            tool, "collect", "-p", d.Process.Pid.ToString(CultureInfo.InvariantCulture), "--counters", "Exim", "--format", "csv", "-o", csv,
            "--refresh-interval", "1", "--duration", "00:00:00:10"])
        {
            psi.ArgumentList.Add(a);
        }
        using var counters = Process.Start(psi) ?? throw new InvalidOperationException("cannot start setpriv");
        var stdoutRead = counters.StandardOutput.ReadToEndAsync();
        var stderr = counters.StandardError.ReadToEndAsync();
        // Connections all the while the tool runs (its output comes only at its end, so the test cannot tell when its first
        // sample, the baseline increments are counted from, is taken): one every 250 ms, a bounded number.
        var made = 0;
        for (; made < 120 && !counters.HasExited; made++)
        {
            await using var client = await SmtpTestClient.ConnectAsync(d.Port);
            Assert.StartsWith("220", await client.ReadReplyAsync(), StringComparison.Ordinal);
            await client.CommandAsync("QUIT");
            await Task.Delay(250);
        }
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await counters.WaitForExitAsync(timeout.Token);
        var stdout = await stdoutRead;
        Assert.True(counters.ExitCode == 0 && File.Exists(csv), $"dotnet-counters exited with {counters.ExitCode}: {stdout}{await stderr}");
        Assert.Contains("Starting a counter session", stdout, StringComparison.Ordinal);

        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).Where(f => f.Length >= 5 && f[1] == "Exim").ToList();
        var accepted = rows.Where(f => f[2].StartsWith("exim.smtp.connection.accepted ", StringComparison.Ordinal))
            .Sum(f => double.Parse(f[4], CultureInfo.InvariantCulture));
        var active = rows.Where(f => f[2].StartsWith("exim.smtp.session.active ", StringComparison.Ordinal))
            .Select(f => double.Parse(f[4], CultureInfo.InvariantCulture)).ToList();
        Assert.True(accepted >= 1 && accepted <= made, $"accepted {accepted} of {made} made:\n{File.ReadAllText(csv)}");
        Assert.NotEmpty(active);
        Assert.All(active, a => Assert.True(a >= 1, $"sessions active {a}: the held one is missing"));
    }
}
