using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Generations;
using Exim.Host.Transports;
using Exim.Mail.Transports;

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
        if (names.IsEmpty || names.Contains("smtp_accept_max")) WarnIfSessionsCut(config.Main, error);
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
                    foreach (var t in result.Config.Transports)
                    {
                        if (!PrintTransport(output, error, t, cl.NoNames)) exit = 1;
                    }
                    break;
                case "router" or "transport" when i + 1 < names.Length:
                    var wanted = names[++i];
                    object? found = name == "router"
                        ? config.Routers.FirstOrDefault(r => r.Name == wanted)
                        : result.Config.Transports.FirstOrDefault(t => t.Name == wanted);
                    if (found is RouterConfig rc) PrintRouter(output, rc, result.Config.Routers[config.Routers.IndexOf(rc)], cl.NoNames);
                    else if (found is TransportSection ts) { if (!PrintTransport(output, error, ts, cl.NoNames)) exit = 1; }
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

    /// <summary>
    /// As for the backlog: the configured value is printed, and stderr says when a daemon started now could not hold that
    /// many sessions (its RLIMIT_NOFILE, raised to the hard limit, is too low), with the limit that would apply.
    /// </summary>
    private static void WarnIfSessionsCut(MainOptions main, TextWriter error)
    {
        if (Slots.SessionCapacity.ForDaemon(main.SmtpAcceptMax) is { IsCut: true } capacity) error.WriteLine("exim: " + capacity.Describe());
    }

    /// <summary>
    /// A transport: a built-in driver's options through its option table (every option, defaults included), a plugin
    /// driver's as written; then the generic options that are set. An option a driver refuses is printed as the error.
    /// </summary>
    private static bool PrintTransport(TextWriter output, TextWriter error, TransportSection section, bool noNames)
    {
        var options = TransportBuilder.OptionsOf(section);
        var errors = new List<ConfigDiagnostic>();
        try
        {
            _ = TransportBuilder.ReadGeneric(options);
        }
        catch (EximConfigException e)
        {
            errors.Add(e.Diagnostic);
        }
        var generic = section.Options.Keys.Where(k => k is not ("name" or "driver") && !options.UnreadKeys.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (section.Driver is TransportDriverNames.Smtp or TransportDriverNames.Maildir)
        {
            var bound = BuiltInTransportDriver.Bind(section.Name, section.Driver, options, errors);
            if (errors.Count > 0) return ConfigErrors.Print(errors, error) == 0;
            PrintDriver(output, section.Name, section.Driver, bound, noNames, trailer: false);
        }
        else
        {
            if (errors.Count > 0) return ConfigErrors.Print(errors, error) == 0;
            output.WriteLine($"{section.Name}:");
            output.WriteLine(noNames ? section.Driver : $"driver = {section.Driver}");
            foreach (var key in options.UnreadKeys.Order(StringComparer.Ordinal)) output.WriteLine(OptionPrinter.Raw(key, section.Options[key].Value, !noNames));
        }
        foreach (var key in generic) output.WriteLine(OptionPrinter.Raw(key, section.Options[key].Value, !noNames));
        output.WriteLine();
        return true;
    }

    private static void PrintDriver(TextWriter output, string name, string driver, object target, bool noNames, IEnumerable<string>? more = null, bool trailer = true)
    {
        output.WriteLine($"{name}:");
        foreach (var option in OptionTable.For(target.GetType()).Options)
        {
            if (option.Name is "name" || !option.AppliesTo(driver)) continue;
            output.WriteLine(OptionPrinter.Line(option, target, !noNames));
        }
        foreach (var line in more ?? []) output.WriteLine(line);
        if (trailer) output.WriteLine();
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
