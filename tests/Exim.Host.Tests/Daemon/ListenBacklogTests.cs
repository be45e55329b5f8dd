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

    /// <summary>A listener set logging through the real log sink into a temporary directory's main log.</summary>
    private sealed class LoggedListeners : IAsyncDisposable
    {
        private readonly TempDirectory _dir = new();
        private readonly EximLogSink _sink = new(debugToStderr: false);
        private readonly ILoggerFactory _loggers;

        public LoggedListeners()
        {
            _sink.UsePaths(LogPaths.For(new MainOptions { SpoolDirectory = _dir.Path }));
            _loggers = LoggerFactory.Create(b => b.AddProvider(new EximLoggerProvider(_sink)));
            Set = new ListenerSet(_loggers.CreateLogger<ListenerSet>());
        }

        public ListenerSet Set { get; }

        /// <summary>Binds 127.0.0.1 on a free port with <paramref name="main"/> and commits it with <paramref name="backlogMonitor"/>.</summary>
        public async Task<Listener> BindAsync(MainOptions main, int backlogMonitor = 0)
        {
            var (bound, error) = await Set.PrepareAsync(Loopback, main, retry: false, CancellationToken.None);
            Assert.Null(error);
            Set.Commit(bound, backlogMonitor);
            return Assert.Single(bound);
        }

        public async Task<string> MainLogAsync()
        {
            await _sink.FlushAsync().WaitAsync(TestTimeouts.Default);
            var path = _dir.Combine("log", "mainlog");
            return File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
        }

        public async ValueTask DisposeAsync()
        {
            Set.Dispose();
            _loggers.Dispose();
            await _sink.DisposeAsync();
            _dir.Dispose();
        }
    }

    [Fact]
    public async Task BacklogAboveTheKernelLimit_IsReadBackAndLogged()
    {
        await using var listeners = new LoggedListeners();
        var kernel = ListenBacklog.KernelLimit();
        Assert.NotNull(kernel); // Linux

        var listener = await listeners.BindAsync(new MainOptions { SmtpConnectBacklog = 65535 });

        Assert.Equal(Math.Min(65535, kernel.Value), listener.Backlog);
        var log = await listeners.MainLogAsync();
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

    [Fact]
    public async Task BacklogWithinTheKernelLimit_IsWhatWasAskedFor_AndNotLogged()
    {
        await using var listeners = new LoggedListeners();

        var listener = await listeners.BindAsync(new MainOptions { SmtpConnectBacklog = 7 });

        Assert.Equal(7, listener.Backlog);
        Assert.DoesNotContain("smtp_connect_backlog", await listeners.MainLogAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BacklogMonitor_LogsTheQueueLengthAtEachAcceptOverTheMonitorValue()
    {
        await using var listeners = new LoggedListeners();
        var listener = await listeners.BindAsync(new MainOptions(), backlogMonitor: 2);

        // Four connections complete their handshakes and wait in the accept queue, as behind a stalled daemon loop.
        var clients = await ConnectAsync(listener, 4);
        try
        {
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

        var lines = (await listeners.MainLogAsync()).Split('\n').Where(l => l.Contains("listen backlog", StringComparison.Ordinal)).Select(l => l[20..]).ToList();
        var port = listener.EndPoint.Port;
        Assert.Equal([$"listen backlog 4 I=[127.0.0.1]:{port}", $"listen backlog 3 I=[127.0.0.1]:{port}"], lines);
    }

    [Fact]
    public async Task BacklogMonitor_FollowsEachPublishedGeneration()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"\nlocal_interfaces = [\"127.0.0.1\"]\ndaemon_smtp_ports = [0]\nsmtp_backlog_monitor = 5\n");
        await using var core = Exim.Host.Lifetime.Core.Create(config, debug: false, reloads: true);
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
        await using var listeners = new LoggedListeners();
        var listener = await listeners.BindAsync(new MainOptions());
        var clients = await ConnectAsync(listener, 2);
        try
        {
            using (var a1 = await listener.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default)) Assert.NotNull(a1);
            using (var a2 = await listener.AcceptAsync(CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default)) Assert.NotNull(a2);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }

        Assert.DoesNotContain("listen backlog", await listeners.MainLogAsync(), StringComparison.Ordinal);
    }

    /// <summary>Opens <paramref name="count"/> connections and waits until all of them are in the accept queue.</summary>
    private static async Task<List<Socket>> ConnectAsync(Listener listener, int count)
    {
        var clients = new List<Socket>();
        for (var i = 0; i < count; i++)
        {
            var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            clients.Add(c);
            await c.ConnectAsync(listener.EndPoint).WaitAsync(TestTimeouts.Default);
        }
        await Wait.UntilOrFailAsync(() => listener.Waiting == count, TestTimeouts.Default, () => $"accept queue: {listener.Waiting}");
        return clients;
    }
}
