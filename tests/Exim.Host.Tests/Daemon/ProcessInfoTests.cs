using Exim.Host.Tests.Delivery;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>SIGUSR1, as exiwhat sends it to every exim process: each writes what it is doing, and none dies of it.</summary>
public sealed class ProcessInfoTests
{
    [Fact]
    public async Task Sigusr1_ToTheDaemon_AppendsItsLineWithConnections_AndTheDaemonCarriesOn()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig());
        var info = d.Directory.Combine("spool", "exim-process.info");
        await using var client = await SmtpTestClient.ConnectAsync(d.Port, "127.0.0.2");
        Assert.StartsWith("220 ", await client.ReadReplyAsync(), StringComparison.Ordinal);

        d.Process.Signal(Signals.SIGUSR1);
        await Wait.UntilOrFailAsync(() => Wait.ReadShared(info).EndsWith('\n'), TestTimeouts.Default, () => d.Process.Stderr);
        d.Process.Signal(Signals.SIGUSR1); // a second one, as a second exiwhat would send: still alive
        await Wait.UntilOrFailAsync(() => Wait.ReadShared(info).Split('\n').Length == 3, TestTimeouts.Default, () => Wait.ReadShared(info));

        var line = Wait.ReadShared(info).Split('\n')[0];
        Assert.Equal($"{d.Process.Pid,5} daemon(4.96): no queue runs, listening for SMTP on [127.0.0.1]:{d.Port}; handling 1 incoming connection from [127.0.0.2]", line);
        Assert.False(d.Process.HasExited);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"), StringComparison.Ordinal);
        Assert.StartsWith("221 ", await client.CommandAsync("QUIT"), StringComparison.Ordinal);
        Assert.True(File.Exists(d.PidFilePath));
        Assert.Equal(0, await d.StopAsync());
    }

    [Fact]
    public async Task Sigusr1_ToAQueueRunner_AppendsItsLine_AndTheRunFinishes()
    {
        await using var stall = new ScriptedSmtpServer(ScriptedSmtpServer.Answers(mail: null));
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($$"""
            queue_only = true

            [[routers]]
            name = "stall"
            driver = "manualroute"
            route_list = ["* 127.0.0.1"]
            transport = "to_stall"
            self = "send"

            [[transports]]
            name = "to_stall"
            driver = "smtp"
            port = "{{stall.Port}}"
            command_timeout = "3s"
            allow_localhost = true
            """));
        var (code, output) = await Swaks.RunAsync("--server", $"127.0.0.1:{d.Port}", "--from", "a@test.example", "--to", "b@stall.example");
        Assert.True(code == 0, output);
        var info = d.Directory.Combine("spool", "exim-process.info");

        await using var runner = EximProcess.Start(d.Directory.Path, "-C", d.ConfigPath, "-q");
        await Wait.UntilOrFailAsync(() => stall.Commands.Any(c => c.StartsWith("MAIL", StringComparison.Ordinal)), TestTimeouts.Default, () => runner.Stderr);
        runner.Signal(Signals.SIGUSR1);
        await Wait.UntilOrFailAsync(() => Wait.ReadShared(info).EndsWith('\n'), TestTimeouts.Default, () => runner.Stderr);

        Assert.Equal($"{runner.Pid,5} running the queue (single queue run)\n", Wait.ReadShared(info));
        Assert.Equal(0, await runner.WaitForExitAsync(TestTimeouts.Default)); // the stalled host timed out; the run ended normally
        await d.WaitForLogAsync("End queue run: pid=" + runner.Pid);
    }
}
