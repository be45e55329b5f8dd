using System.Reflection;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.TestPlugin;

/// <summary>
/// A test plugin. With <c>status_file</c> it is a daemon loop that reports which version is answering: it writes
/// <c>version=&lt;v&gt; generation=&lt;n&gt;</c> there when its loop starts, and logs the same. With
/// <c>load_average</c> it is the system load source, reporting that fixed value. With <c>stage_policy</c> it registers
/// <see cref="TestStagePolicy"/> under that key. With <c>redirect_driver</c> it registers <see cref="TestRedirectDriver"/>
/// under that driver name.
/// </summary>
public sealed class TestPlugin : IEximPlugin
{
    public static string Version { get; } =
        typeof(TestPlugin).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

    public void Register(IPluginRegistrar registrar, IPluginContext context)
    {
#if THROW_ON_REGISTER
        throw new InvalidOperationException("test plugin refuses to register");
#else
        var statusFile = context.Options.GetString("status_file");
        var greeting = context.Options.GetString("greeting") ?? "hello";
        var load = context.Options.GetString("load_average");
        var stagePolicy = context.Options.GetString("stage_policy");
        var redirectDriver = context.Options.GetString("redirect_driver");
        if (redirectDriver is not null) registrar.Add<Exim.Abstractions.Routing.IRouterDriver>(redirectDriver, new TestRedirectDriver());
        if (statusFile is null && load is null && stagePolicy is null && redirectDriver is null) throw context.Options.Invalid("status_file", "status_file, load_average or stage_policy is required");
        if (stagePolicy is not null) registrar.Add<Exim.Abstractions.Policy.IStagePolicy>(stagePolicy, new TestStagePolicy());
        if (statusFile is not null) registrar.Add<IDaemonLoop>(StrategyKeys.DaemonLoop, new StatusLoop(statusFile, greeting, context.LoggerFactory.CreateLogger("TestPlugin")));
        if (load is not null) registrar.Add<ISystemLoad>(StrategyKeys.SystemLoad, new FixedLoad((int)(double.Parse(load, System.Globalization.CultureInfo.InvariantCulture) * 1000)));
#endif
    }
}
