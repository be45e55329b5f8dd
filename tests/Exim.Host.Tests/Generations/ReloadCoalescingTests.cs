using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Tests.Scripting;
using Exim.TestKit;

namespace Exim.Host.Tests.Generations;

/// <summary>Reload requests that arrive while a reload is being built fold into one more, which reads the newest files.</summary>
public sealed class ReloadCoalescingTests
{
    private static string Config(int n) => $"spool_directory = \"spool\"\nsmtp_banner = \"banner {n}\"\n";

    [Fact]
    public async Task RequestReload_FiftyWhileOneIsBuilding_OneMoreGenerationWithTheLastChange()
    {
        using var dir = new TempDirectory("exim-coalesce");
        var config = dir.Write("exim.toml", Config(0));
        await using var core = Core.Create(config, debug: false, reloads: true);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);
        var gate = new BlockingParticipant();
        core.Reloader.Participants.Add(gate);

        await File.WriteAllTextAsync(config, Config(1));
        var requests = new List<Task<ReloadOutcome>> { core.Reloader.RequestReload(ReloadReason.Signal) };
        await gate.Entered.Task.WaitAsync(TestTimeouts.Default); // the first reload has read banner 1 and is being built
        for (var i = 2; i <= 50; i++)
        {
            await File.WriteAllTextAsync(config, Config(i));
            requests.Add(core.Reloader.RequestReload(i % 3 == 0 ? ReloadReason.PluginFileChanged : ReloadReason.Signal));
        }
        gate.Release.TrySetResult();
        var outcomes = await Task.WhenAll(requests).WaitAsync(TestTimeouts.Default);

        Assert.All(outcomes, o => Assert.Equal(ReloadStatus.Published, o.Status));
        Assert.Equal(2, outcomes[0].Generation);
        Assert.All(outcomes.Skip(1), o => Assert.Equal(3, o.Generation)); // all 49 served by one more reload
        Assert.Equal(3, core.Store.Current.Number);
        Assert.Equal("banner 50", core.Store.Current.Config.Main.SmtpBanner);
        await core.Store.ShutdownAsync(TestTimeouts.Default);
    }

    [Fact]
    public async Task SighupStorm_FewerReloadsThanSignals_AndTheLastChangeServed()
    {
        // Each change is to the accept script, so each reload compiles it: far slower than the signals come.
        await using var d = await HookDaemon.StartAsync(Script(0));
        var script = d.Directory.Combine("scripts", "accept.csx");
        for (var i = 1; i <= 30; i++)
        {
            // Replaced whole, as an operator's deploy does: a reload never reads half a file.
            await File.WriteAllTextAsync(script + ".new", Script(i));
            File.Move(script + ".new", script, overwrite: true);
            d.Process.Signal(Signals.SIGHUP);
            await Task.Delay(2);
        }
        await Wait.UntilOrFailAsync(async () => await HookDaemon.GreetingAsync(d, "127.0.0.1") == "554 version 30", TestTimeouts.Default, () => d.MainLog);
        await Task.Delay(500); // a reload still queued would show now

        var received = d.CountLog("SIGHUP received"); // the kernel merges a SIGHUP sent while one is pending
        Assert.InRange(received, 10, 30);
        // One generation per signal before coalescing; now the signals that arrive during a reload share the next one.
        Assert.InRange(d.CountLog("configuration reloaded (SIGHUP)"), 1, received / 2);
        Assert.Equal("554 version 30", await HookDaemon.GreetingAsync(d, "127.0.0.1"));
    }

    private static string Script(int version) => $"return Verdict.Reject(\"version {version}\");";

    /// <summary>Holds the first reload in its prepare step until released, as a slow plugin load would.</summary>
    private sealed class BlockingParticipant : IGenerationParticipant
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task<System.Collections.Immutable.ImmutableArray<Abstractions.Config.ConfigDiagnostic>> PrepareAsync(Generation candidate, bool initial, CancellationToken cancellationToken)
        {
            Entered.TrySetResult();
            await Release.Task.WaitAsync(TestTimeouts.Default, cancellationToken);
            return [];
        }

        public void Commit(Generation published) { }

        public void Abort(Generation candidate) { }
    }
}
