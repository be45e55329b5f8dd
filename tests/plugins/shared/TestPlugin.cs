using System.Reflection;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.TestPlugin;

/// <summary>
/// A daemon-loop plugin that reports which version is answering: it writes <c>version=&lt;v&gt; generation=&lt;n&gt;</c>
/// to its <c>status_file</c> when its loop starts, and logs the same.
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
        var statusFile = context.Options.GetString("status_file") ?? throw context.Options.Invalid("status_file", "is required");
        var greeting = context.Options.GetString("greeting") ?? "hello";
        registrar.Add<IDaemonLoop>("daemon", new StatusLoop(statusFile, greeting, context.LoggerFactory.CreateLogger("TestPlugin")));
#endif
    }
}
