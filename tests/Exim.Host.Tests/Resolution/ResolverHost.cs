using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>The real dns-resolver plugin, loaded through a generation with the given options, and its resolver.</summary>
public sealed class ResolverHost : IAsyncDisposable
{
    private readonly TempDirectory _dir;
    private readonly Core _core;

    private ResolverHost(TempDirectory dir, Core core, IDnsRecordResolver resolver) => (_dir, _core, Resolver) = (dir, core, resolver);

    public IDnsRecordResolver Resolver { get; }

    /// <param name="nameServer">The <c>nameservers</c> entry.</param>
    /// <param name="options">Further lines for the plugin's table.</param>
    public static async Task<ResolverHost> StartAsync(string nameServer, string options)
    {
        var dir = new TempDirectory("exim-resolver");
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["{nameServer}"]
            {options}
            """);
        var core = Core.Create(config, debug: false);
        var outcome = await core.Reloader.StartAsync();
        if (outcome.Status != ReloadStatus.Published) throw new InvalidOperationException(string.Join("\n", outcome.Errors));
        if (!core.Store.Current.Strategies.TryGet<IDnsRecordResolver>(StrategyKeys.Dns, out var resolver)) throw new InvalidOperationException("no IDnsRecordResolver \"dns\"");
        return new ResolverHost(dir, core, resolver);
    }

    public async ValueTask DisposeAsync()
    {
        await _core.Store.ShutdownAsync(TestTimeouts.Default);
        await _core.DisposeAsync();
        _dir.Dispose();
    }
}
