using System.Diagnostics;
using System.Runtime.Loader;
using Exim.Host.Generations;
using Exim.Host.Lifetime;

namespace Exim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Exim.Benchmarks -- reload-soak [N]</c>: N full reloads (re-read TOML,
/// load every plugin into a fresh context, publish, unload the old one) and the exact figures: time per reload,
/// loaded assemblies, load contexts, GC heap and RSS before and after.
/// </summary>
internal static class ReloadSoak
{
    public static async Task<int> RunAsync(int reloads)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"exim-bench-{Guid.NewGuid():N}");
        var config = BenchConfig.Write(dir);
        try
        {
            await using var core = Core.Create(config, debug: false, unloadGrace: TimeSpan.FromSeconds(30));
            if ((await core.Reloader.StartAsync()).Status != ReloadStatus.Published) throw new InvalidOperationException("config failed");
            await ReloadAsync(core, 20); // warm-up: JIT, first-load costs
            var before = await SnapshotAsync(core);
            var sw = Stopwatch.StartNew();
            await ReloadAsync(core, reloads);
            sw.Stop();
            var after = await SnapshotAsync(core);
            Console.WriteLine($"reloads: {reloads} in {sw.Elapsed.TotalMilliseconds:F0} ms = {sw.Elapsed.TotalMilliseconds / reloads:F2} ms/reload (2 plugins each)");
            Console.WriteLine($"collected generations: {core.Unloads.Collected}, leaked: {core.Unloads.Leaked}");
            Console.WriteLine($"{"",-22}{"before",14}{"after",14}");
            Console.WriteLine($"{"loaded assemblies",-22}{before.Assemblies,14}{after.Assemblies,14}");
            Console.WriteLine($"{"load contexts",-22}{before.Contexts,14}{after.Contexts,14}");
            Console.WriteLine($"{"GC heap (KiB)",-22}{before.Heap / 1024,14:N0}{after.Heap / 1024,14:N0}");
            Console.WriteLine($"{"RSS (KiB)",-22}{before.Rss / 1024,14:N0}{after.Rss / 1024,14:N0}");
            await core.Store.ShutdownAsync(TimeSpan.FromSeconds(30));
            return after.Assemblies == before.Assemblies && core.Unloads.Leaked == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task ReloadAsync(Core core, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var outcome = await core.Reloader.ReloadAsync(ReloadReason.Signal);
            if (outcome.Status != ReloadStatus.Published) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
        }
    }

    private static async Task<(int Assemblies, int Contexts, long Heap, long Rss)> SnapshotAsync(Core core)
    {
        for (var i = 0; i < 3000 && core.Unloads.Pending > 0; i++) await Task.Delay(10);
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        using var self = Process.GetCurrentProcess();
        return (AppDomain.CurrentDomain.GetAssemblies().Length, AssemblyLoadContext.All.Count(),
            GC.GetTotalMemory(forceFullCollection: true), self.WorkingSet64);
    }
}
