using System.Net.Sockets;
using Exim.Abstractions.Daemon;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Lifetime;

/// <summary>
/// A connection the superseded generation's loop accepts after a reload was published (its accept was pending) is served
/// by the generation in force, so nothing made after "configuration reloaded" meets the old configuration.
/// </summary>
public sealed class SessionHandoffTests
{
    [Fact]
    public async Task AConnectionAcceptedByASupersededLoop_IsServedByTheGenerationInForce()
    {
        using var dir = new TempDirectory("exim-handoff");
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"\n");
        await using var core = Core.Create(config, debug: false, reloads: true);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);
        var served = new List<long>();
        var created = new List<long>();
        var handoff = new SessionHandoff(core.Store, g =>
        {
            created.Add(g.Number);
            return new Recorder(g.Number, served);
        });
        var first = core.Store.Current;
        var firstLoops = handoff.For(first);

        using (var pair = new SocketPair()) await firstLoops.RunAsync(pair.Server, CancellationToken.None);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.RequestReload(ReloadReason.Signal).WaitAsync(TestTimeouts.Default)).Status);
        using (var pair = new SocketPair()) await firstLoops.RunAsync(pair.Server, CancellationToken.None); // accepted by generation 1's loop, after the reload
        using (var pair = new SocketPair()) await handoff.For(core.Store.Current).RunAsync(pair.Server, CancellationToken.None);

        Assert.Equal([1L, 2L, 2L], served);
        Assert.Equal([1L, 2L], created); // one handler per generation
        await core.Store.ShutdownAsync(TestTimeouts.Default);
    }

    private sealed class Recorder(long generation, List<long> served) : ISmtpSessionHandler
    {
        public Task<SessionResult> RunAsync(Socket socket, CancellationToken shutdownToken)
        {
            served.Add(generation);
            return Task.FromResult(new SessionResult(SessionOutcome.Quit, 0));
        }
    }

    private sealed class SocketPair : IDisposable
    {
        public SocketPair()
        {
            var (server, client) = Exim.Host.Cli.Commands.StdioPump.SocketPair();
            (Server, Client) = (server, client);
        }

        public Socket Server { get; }
        public Socket Client { get; }

        public void Dispose()
        {
            Server.Dispose();
            Client.Dispose();
        }
    }
}
