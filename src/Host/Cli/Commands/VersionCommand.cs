using System.Runtime.InteropServices;
using Exim.Abstractions.Config;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Host.Log;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// <c>exim -bV</c>: the version, then the whole configuration is read and every plugin loaded exactly as a
/// reload would (hook scripts compiled); with errors, every one is printed as file:line:column and the exit code is 1.
/// </summary>
internal static class VersionCommand
{
    public static async Task<int> RunAsync(CommandLine cl, TextWriter output, TextWriter error)
    {
        output.WriteLine(EximVersion.Banner);
        output.WriteLine($"Exim.NET {EximVersion.Build} on .NET {RuntimeInformation.FrameworkDescription.Replace(".NET ", "", StringComparison.Ordinal)} ({RuntimeInformation.RuntimeIdentifier})");
        output.WriteLine($"Plugin contract: {Plugins.ContractVersion.AssemblyName} {Plugins.ContractVersion.HostDisplay} (loads plugins built against {Plugins.ContractVersion.CompatibleRange(Plugins.ContractVersion.Host)})");
        await using var core = Core.Create(cl.ConfigPath, cl.Debug, logRouting: LogRouting.Stderr, quietLifecycle: true);
        var outcome = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (outcome.Status != ReloadStatus.Published) return ConfigErrors.Print(outcome.Errors, error);

        var generation = core.Store.Current;
        output.WriteLine($"Configuration file is {generation.Config.SourcePath}");
        foreach (var plugin in generation.Plugins)
        {
            var strategies = string.Join(", ", plugin.Strategies.Keys.Select(k => k.ToString()).Order(StringComparer.Ordinal));
            output.WriteLine($"Plugin {plugin.Name}: {plugin.AssemblyName} {plugin.Version} ({plugin.AssemblyPath}) provides {(strategies.Length == 0 ? "nothing" : strategies)}");
        }
        var hooks = generation.Hooks;
        IEnumerable<(string Kind, Scripting.ScriptSource? Source, bool? FromCache)> listed =
        [
            ("accept", hooks.Accept?.Source, hooks.Accept?.FromCache),
            .. hooks.Stages.OrderBy(s => s.Key).Select(s => (s.Key.ToString().ToLowerInvariant(), (Scripting.ScriptSource?)s.Value.Source, (bool?)s.Value.FromCache)),
            ("child_exit", hooks.ChildExit?.Source, hooks.ChildExit?.FromCache),
        ];
        foreach (var (kind, source, fromCache) in listed)
        {
            if (source is null) continue;
            output.WriteLine($"Hook {kind}: {source.DisplayPath} ({(fromCache == true ? "from the compiled-script cache" : "compiled")}), timeout {hooks.Timeout.TotalMilliseconds} ms");
        }
        foreach (var (section, authenticator) in generation.Loaded.Authenticators.Zip(generation.Authenticators))
        {
            output.WriteLine($"Authenticator {authenticator.Name}: driver {section.Driver}, public name {authenticator.PublicName}");
        }
        if (hooks.Stages.Count > 0 || generation.Config.Hooks.Order is not [HooksConfig.Scripts]) output.WriteLine($"Policy order: {string.Join(", ", generation.Config.Hooks.Order)}");
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return 0;
    }
}
