using Exim.Abstractions.Daemon;
using Exim.Abstractions.Interfaces;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Queue;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.TestKit;

namespace Exim.Host.Tests.Plugins;

/// <summary>The bundled plugins register under the contract's <see cref="StrategyKeys"/>, the keys the host looks them up by.</summary>
public sealed class StrategyKeysTests
{
    [Fact]
    public async Task BundledPlugins_RegisterUnderTheContractsKeys()
    {
        using var dir = new TempDirectory("exim-keys");
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            [plugins.daemon]
            assembly = "{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}"
            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["127.0.0.1:53"]
            [plugins.gethostbyname-resolver]
            assembly = "{RepoPaths.Plugin("gethostbyname-resolver", "Exim.Plugins.GetHostByNameResolver.dll")}"
            [plugins.interface-scanner]
            assembly = "{RepoPaths.Plugin("interface-scanner", "Exim.Plugins.InterfaceScanner.dll")}"
            [plugins.queue-runner]
            assembly = "{RepoPaths.Plugin("queue-runner", "Exim.Plugins.QueueRunner.dll")}"
            """);
        await using var core = Core.Create(config, debug: false);
        var outcome = await core.Reloader.StartAsync();
        Assert.True(outcome.Status == ReloadStatus.Published, string.Join("\n", outcome.Errors));
        try
        {
            var strategies = core.Store.Current.Strategies;
            Assert.True(strategies.TryGet<IDaemonLoop>(StrategyKeys.DaemonLoop, out _));
            Assert.True(strategies.TryGet<IAdmissionStep>(StrategyKeys.Admission, out _));
            Assert.True(strategies.TryGet<IDnsRecordResolver>(StrategyKeys.Dns, out _));
            Assert.True(strategies.TryGet<IAddressResolver>(StrategyKeys.ByName, out _));
            Assert.True(strategies.TryGet<IInterfaceScanner>(StrategyKeys.Interfaces, out _));
            Assert.True(strategies.TryGet<IQueueRunScheduler>(StrategyKeys.QueueScheduler, out _));
        }
        finally
        {
            await core.Store.ShutdownAsync(TestTimeouts.Default);
        }
    }
}
