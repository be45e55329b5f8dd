using Exim.Abstractions.Config;
using Exim.Host.Configuration;

namespace Exim.Host.Cli.Commands;

/// <summary><c>exim -bP [name...]</c>: Exim's <c>name = value</c> lines; all main options, sorted, without names.</summary>
internal static class PrintOptionsCommand
{
    public static int Run(CommandLine cl, TextWriter output, TextWriter error)
    {
        var result = TomlConfigLoader.Load(cl.ConfigPath);
        if (!result.Succeeded) return ConfigErrors.Print(result.Errors, error);
        var config = result.Config.Config;
        var main = OptionTable.For<MainOptions>();
        var names = cl.Arguments;
        if (names.IsEmpty || names.Contains("smtp_connect_backlog")) WarnIfBacklogCapped(config.Main, error);
        if (names.IsEmpty)
        {
            foreach (var option in main.Options.OrderBy(o => o.Name, StringComparer.Ordinal))
            {
                output.WriteLine(OptionPrinter.Line(option, config.Main, !cl.NoNames));
            }
            return 0;
        }

        var exit = 0;
        for (var i = 0; i < names.Length; i++)
        {
            var name = names[i];
            switch (name)
            {
                case "config_file":
                    output.WriteLine(cl.NoNames ? config.SourcePath : $"config_file = {config.SourcePath}");
                    break;
                case "plugins" or "plugin_list":
                    output.WriteLine(string.Join(" : ", config.Plugins.Select(p => p.Name)));
                    break;
                case "router_list":
                    output.WriteLine(string.Join(" : ", config.Routers.Select(r => r.Name)));
                    break;
                case "transport_list":
                    output.WriteLine(string.Join(" : ", config.Transports.Select(t => t.Name)));
                    break;
                case "routers":
                    foreach (var (r, section) in config.Routers.Zip(result.Config.Routers)) PrintRouter(output, r, section, cl.NoNames);
                    break;
                case "transports":
                    foreach (var t in config.Transports) PrintDriver(output, t.Name, t.Driver, t, cl.NoNames);
                    break;
                case "router" or "transport" when i + 1 < names.Length:
                    var wanted = names[++i];
                    object? found = name == "router"
                        ? config.Routers.FirstOrDefault(r => r.Name == wanted)
                        : config.Transports.FirstOrDefault(t => t.Name == wanted);
                    if (found is RouterConfig rc) PrintRouter(output, rc, result.Config.Routers[config.Routers.IndexOf(rc)], cl.NoNames);
                    else if (found is TransportConfig tc) PrintDriver(output, tc.Name, tc.Driver, tc, cl.NoNames);
                    else { output.WriteLine($"{wanted} is not a known {name}"); exit = 1; }
                    break;
                default:
                    if (main.ByName.TryGetValue(name, out var option)) output.WriteLine(OptionPrinter.Line(option, config.Main, !cl.NoNames));
                    else { output.WriteLine($"{name} is not a known option"); exit = 1; }
                    break;
            }
        }
        return exit;
    }

    /// <summary>
    /// The value printed is the configured one, as Exim prints it; when the kernel would cut it down (net.core.somaxconn),
    /// stderr says so, so that the listen backlog an operator sees is the one connections get.
    /// </summary>
    private static void WarnIfBacklogCapped(MainOptions main, TextWriter error)
    {
        if (Listeners.ListenBacklog.KernelLimit() is { } limit && limit < main.SmtpConnectBacklog)
        {
            error.WriteLine($"exim: smtp_connect_backlog = {main.SmtpConnectBacklog} is more than the kernel allows: listen backlogs are capped at {limit} (net.core.somaxconn)");
        }
    }

    private static void PrintDriver(TextWriter output, string name, string driver, object target, bool noNames, IEnumerable<string>? more = null)
    {
        output.WriteLine($"{name}:");
        foreach (var option in OptionTable.For(target.GetType()).Options)
        {
            if (option.Name is "name" || !option.AppliesTo(driver)) continue;
            output.WriteLine(OptionPrinter.Line(option, target, !noNames));
        }
        foreach (var line in more ?? []) output.WriteLine(line);
        output.WriteLine();
    }

    /// <summary>
    /// A router: its generic options with their values, then its driver's options as the file sets them (the driver knows
    /// its defaults; -bP does not load the drivers).
    /// </summary>
    private static void PrintRouter(TextWriter output, RouterConfig router, RouterSection section, bool noNames)
    {
        var generic = OptionTable.For<RouterConfig>().ByName;
        var driverOptions = section.Options.Where(o => !generic.ContainsKey(o.Key) && o.Key is not ("verify" or "fail_verify"))
            .OrderBy(o => o.Key, StringComparer.Ordinal)
            .Select(o => OptionPrinter.Raw(o.Key, o.Value.Value, !noNames));
        PrintDriver(output, router.Name, router.Driver, router, noNames, driverOptions);
    }
}
