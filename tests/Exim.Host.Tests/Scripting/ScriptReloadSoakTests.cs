using Exim.Host.Generations;
using Exim.Host.Tests.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Scripting;

/// <summary>
/// 200 reloads, each compiling a changed accept script (the path where <c>CSharpScript.Create</c> leaks an assembly
/// per compile): every retired script context is collected, and loaded assemblies and the heap stay flat.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ScriptReloadSoakTests
{
    [Fact]
    public async Task TwoHundredScriptReloads_LeaveAssembliesAndHeapFlat()
    {
        using var dir = new TempDirectory("exim-script-soak");
        var script = dir.Write("scripts/accept.csx", Script(0));
        var config = dir.Write("exim.toml", "spool_directory = \"spool\"\n" + Exim.Host.Tests.Scripting.HookDaemon.Hooks("scripts/accept.csx"));
        await using var core = Core.Create(config, debug: false, unloadGrace: TimeSpan.FromSeconds(20), reloads: true);
        Assert.Equal(ReloadStatus.Published, (await core.Reloader.StartAsync()).Status);

        await ReloadAsync(core, script, 1, 20);
        var (assembliesBefore, contextsBefore, heapBefore) = await UnloadCensus.SettleAsync(core);

        await ReloadAsync(core, script, 21, 180);
        var (assembliesAfter, contextsAfter, heapAfter) = await UnloadCensus.SettleAsync(core);

        Assert.Equal(201, core.Store.Current.Number);
        Assert.False(core.Store.Current.Hooks.Accept!.FromCache);
        Assert.Equal(200, core.Unloads.Collected);
        Assert.Equal(0, core.Unloads.Leaked);
        Assert.Equal(assembliesBefore, assembliesAfter);
        Assert.Equal(contextsBefore, contextsAfter);
        Assert.True(heapAfter - heapBefore < 16 * 1024 * 1024, $"GC heap grew from {heapBefore:N0} to {heapAfter:N0} bytes over 180 script reloads");
        await core.Store.ShutdownAsync(TestTimeouts.Default);
    }

    private static string Script(int i) => $"return Connection.RemotePort == {i} ? Verdict.Reject(\"{i}\") : Verdict.Accept;";

    private static async Task ReloadAsync(Core core, string script, int first, int count)
    {
        for (var i = first; i < first + count; i++)
        {
            await File.WriteAllTextAsync(script, Script(i));
            var outcome = await core.Reloader.ReloadAsync(ReloadReason.Signal).WaitAsync(TestTimeouts.Default);
            Assert.True(outcome.Status == ReloadStatus.Published, string.Join("\n", outcome.Errors));
        }
    }
}
