using System.Collections.Immutable;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Host.Listeners;
using Exim.Host.Log;
using Exim.TestKit;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// The listen backlog told honestly: the backlog the kernel really applied (smtp_connect_backlog capped by
/// net.core.somaxconn) is read back from the socket and a cap is logged; and smtp_backlog_monitor logs Exim's
/// <c>listen backlog N I=[ip]:port</c> when connections wait in the accept queue. Real sockets on loopback.
/// </summary>
public sealed class ListenBacklogTests
{
    private static readonly ImmutableArray<ListenSpec> Loopback = [new ListenSpec(IPAddress.Loopback, 0)];

    /// <summary>A listener set logging through the real log sink into <paramref name="dir"/>'s main log.</summary>
    private static (ListenerSet Set, EximLogSink Sink, ILoggerFactory Loggers) Start(TempDirectory dir)
    {
        var sink = new EximLogSink(debugToStderr: false);
        sink.UsePaths(LogPaths.For(new MainOptions { SpoolDirectory = dir.Path }));
        var loggers = LoggerFactory.Create(b => b.AddProvider(new EximLoggerProvider(sink)));
        return (new ListenerSet(loggers.CreateLogger<ListenerSet>()), sink, loggers);
    }

    private static async Task<string> MainLogAsync(TempDirectory dir, EximLogSink sink)
    {
        await sink.FlushAsync().WaitAsync(TestTimeouts.Default);
        var path = dir.Combine("log", "mainlog");
        return File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
    }

    [Fact]
    public async Task BacklogAboveTheKernelLimit_IsReadBackAndLogged()
    {
        using var dir = new TempDirectory();
        var (set, sink, loggers) = Start(dir);
        await using (sink)
        using (loggers)
        using (set)
        {
            var kernel = ListenBacklog.KernelLimit();
            Assert.NotNull(kernel); // Linux

            var (bound, error) = await set.PrepareAsync(Loopback, new MainOptions { SmtpConnectBacklog = 65535 }, retry: false, CancellationToken.None);
            Assert.Null(error);
            set.Commit(bound);

            var listener = Assert.Single(bound);
            Assert.Equal(Math.Min(65535, kernel.Value), listener.Backlog);
            var log = await MainLogAsync(dir, sink);
            if (kernel < 65535)
            {
                Assert.Contains($"smtp_connect_backlog = 65535 is more than the kernel allows: the listen backlog is {kernel} (net.core.somaxconn) for SMTP on [127.0.0.1]:{listener.EndPoint.Port}",
                    log, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain("smtp_connect_backlog", log, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task BacklogWithinTheKernelLimit_IsWhatWasAskedFor_AndNotLogged()
    {
        using var dir = new TempDirectory();
        var (set, sink, loggers) = Start(dir);
        await using (sink)
        using (loggers)
        using (set)
        {
            var (bound, _) = await set.PrepareAsync(Loopback, new MainOptions { SmtpConnectBacklog = 7 }, retry: false, CancellationToken.None);
            set.Commit(bound);

            Assert.Equal(7, Assert.Single(bound).Backlog);
            Assert.DoesNotContain("smtp_connect_backlog", await MainLogAsync(dir, sink), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BacklogMonitor_LogsTheQueueLengthAtEachAcceptOverTheMonitorValue()
    {
        using var dir = new TempDirectory();
        var (set, sink, loggers) = Start(dir);
        await using (sink)
        using (loggers)
        using (set)
        {
            var (bound, _) = await set.PrepareAsync(Loopback, new MainOptions(), retry: false, CancellationToken.None);
            set.Commit(bound, backlogMonitor: 2);
            var listener = Assert.Single(bound);

            // Four connections complete their handshakes and wait in the accept queue, as behind a stalled daemon loop.
            var clients = new List<Socket>();
            try
            {
                for (var i = 0; i < 4; i++)
                {
                    var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    clients.Add(c);
                    await c.ConnectAsync(listener.EndPoint).WaitAsync(TestTimeouts.Default);
                }
                await Wait.UntilOrFailAsync(() => listener.Waiting == 4, TestTimeouts.Default, () => $"accept queue: {listener.Waiting}");
                for (var i = 0; i < 4; i++)
                {
                    using var accepted = await listener.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);
                    Assert.NotNull(accepted);
                }
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }

            var lines = (await MainLogAsync(dir, sink)).Split('\n').Where(l => l.Contains("listen backlog", StringComparison.Ordinal)).Select(l => l[20..]).ToList();
            var port = listener.EndPoint.Port;
            Assert.Equal([$"listen backlog 4 I=[127.0.0.1]:{port}", $"listen backlog 3 I=[127.0.0.1]:{port}"], lines);
        }
    }

    [Fact]
    public async Task BacklogMonitor_FollowsEachPublishedGeneration()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"\nlocal_interfaces = [\"127.0.0.1\"]\ndaemon_smtp_ports = [0]\nsmtp_backlog_monitor = 5\n");
        await using var core = Exim.Host.Lifetime.Core.Create(config, debug: false);
        using var set = new ListenerSet(core.LoggerFactory.CreateLogger<ListenerSet>());
        core.Reloader.Participants.Add(new DaemonListeners(set, null));

        Assert.Equal(Exim.Host.Generations.ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);
        var first = Assert.Single(set.Current).BacklogMonitor;
        await File.WriteAllTextAsync(config, (await File.ReadAllTextAsync(config)).Replace("smtp_backlog_monitor = 5", "smtp_backlog_monitor = 9", StringComparison.Ordinal));
        Assert.Equal(Exim.Host.Generations.ReloadStatus.Published, (await core.Reloader.ReloadAsync(Exim.Host.Generations.ReloadReason.Signal)).Status);

        Assert.Equal((5, 9), (first, Assert.Single(set.Current).BacklogMonitor));
        await core.Store.ShutdownAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task BacklogMonitorOff_LogsNothing()
    {
        using var dir = new TempDirectory();
        var (set, sink, loggers) = Start(dir);
        await using (sink)
        using (loggers)
        using (set)
        {
            var (bound, _) = await set.PrepareAsync(Loopback, new MainOptions(), retry: false, CancellationToken.None);
            set.Commit(bound);
            var listener = Assert.Single(bound);
            using var c1 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var c2 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await c1.ConnectAsync(listener.EndPoint).WaitAsync(TestTimeouts.Default);
            await c2.ConnectAsync(listener.EndPoint).WaitAsync(TestTimeouts.Default);

            using (var a1 = await listener.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default)) Assert.NotNull(a1);
            using (var a2 = await listener.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default)) Assert.NotNull(a2);

            Assert.DoesNotContain("listen backlog", await MainLogAsync(dir, sink), StringComparison.Ordinal);
        }
    }
}
