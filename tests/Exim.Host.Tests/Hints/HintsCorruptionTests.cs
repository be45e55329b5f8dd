using System.Net;
using System.Net.Sockets;
using Exim.TestKit;

namespace Exim.Host.Tests.Hints;

/// <summary>Garbage in the hints store never stops mail: a daemon and a delivery process log it, move it aside and go on.</summary>
public sealed class HintsCorruptionTests
{
    [Fact]
    public async Task GarbageStore_DaemonReceivesAndDelivers_MinusMToo_EachLogsIt_AndTheStoreIsUsableAgain()
    {
        using var dir = new TempDirectory("exim-hints");
        var garbage = dir.Write("spool/db/hints.sqlite", "this is not an SQLite database\n" + new string('#', 4000));
        var closedPort = ClosedPort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($$"""
            [[routers]]
            name = "refused"
            driver = "manualroute"
            route_list = ["* 127.0.0.3"]
            transport = "refused"

            [[transports]]
            name = "refused"
            driver = "smtp"
            port = "{{closedPort}}"
            """), dir);

        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "alice@example.org", "--to", "bob@elsewhere.example", "--body", "hi");

        Assert.True(code == 0, output); // received: 250
        await d.WaitForLogAsync("== bob@elsewhere.example R=refused T=refused defer (111): Connection refused");
        var id = Path.GetFileName(Assert.Single(Directory.GetFiles(d.InputDirectory, "*-H")))[..^2];
        Assert.Contains($"DB file {garbage} is corrupt (", d.MainLog, StringComparison.Ordinal);
        await d.WaitForPanicLogAsync($"DB file {garbage} is corrupt (");
        var (_, retry, _) = await EximProcess.RunAsync(dir.Path, "-C", d.ConfigPath, "--dumpdb", "retry");
        Assert.Contains($"  T:127.0.0.3:127.0.0.3:{closedPort} 111 0 Connection refused\n", retry, StringComparison.Ordinal);

        // Garbage again, for a delivery process this time (with the daemon stopped: while it runs, its writes live in the WAL).
        Assert.Equal(0, await d.StopAsync());
        File.WriteAllText(garbage, "garbage again" + new string('%', 5000));
        var (mCode, mOut, mErr) = await EximProcess.RunAsync(dir.Path, "-C", d.ConfigPath, "-M", id);

        Assert.True(mCode == 0, mOut + mErr);
        Assert.Equal(2, d.CountLog($"DB file {garbage} is corrupt ("));
        Assert.Equal(2, d.CountLog($"{id} == bob@elsewhere.example R=refused T=refused defer (111): Connection refused"));
        Assert.Equal(2, Directory.GetFiles(dir.Combine("spool", "db"), "hints.sqlite.corrupt-*").Length);
        (_, retry, _) = await EximProcess.RunAsync(dir.Path, "-C", d.ConfigPath, "--dumpdb", "retry");
        Assert.Contains($"  T:127.0.0.3:127.0.0.3:{closedPort} 111 0 Connection refused\n", retry, StringComparison.Ordinal);
    }

    private static int ClosedPort()
    {
        // Not this host's address (127.0.0.1 is), so the router does not see the local host.
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port; // bound, never listening: connections are refused
    }
}
