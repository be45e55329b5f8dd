using System.Runtime.Loader;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Generations;

/// <summary>What is loaded once every retired generation has been unloaded: collectible assemblies, collectible contexts, GC heap.</summary>
internal static class UnloadCensus
{
    public static async Task<(int Assemblies, int Contexts, long Heap)> SettleAsync(Core core)
    {
        await Wait.UntilOrFailAsync(() => core.Unloads.Pending == 0, TestTimeouts.Default, () => $"{core.Unloads.Pending} generations still unloading");
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        // Only collectible (plugin and script) assemblies and contexts: other tests may load framework assemblies meanwhile.
        var assemblies = AppDomain.CurrentDomain.GetAssemblies().Count(a => AssemblyLoadContext.GetLoadContext(a)?.IsCollectible == true);
        return (assemblies, AssemblyLoadContext.All.Count(c => c.IsCollectible), GC.GetTotalMemory(forceFullCollection: true));
    }
}
