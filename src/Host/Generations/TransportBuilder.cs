using System.Collections.Frozen;
using Exim.Abstractions.Config;
using Exim.Abstractions.Transports;
using Exim.Host.Configuration;
using Exim.Host.Plugins;
using Exim.Mail.Delivery;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Generations;

/// <summary>
/// Creates a generation's transports: each <c>[[transports]]</c> table is handed to the <see cref="ITransportDriver"/>
/// registered under its driver name (the built-in <c>smtp</c> and <c>maildir</c>, or a plugin's), which reads and checks
/// its own options; keys nobody read are unknown options. The core reads only <c>name</c>, <c>driver</c> and Exim's
/// generic options it applies to every driver: <c>return_path_add</c>, <c>envelope_to_add</c> and
/// <c>delivery_date_add</c> (the headers <see cref="IDeliveryMessage.WriteToAsync"/> adds) and <c>batch_max</c> (the
/// most recipients one run of a local transport gets). Every error is reported, with its place.
/// </summary>
internal static class TransportBuilder
{
    private static readonly string[] CoreKeys = ["name", "driver"];

    private static readonly (string Key, MessageWriteOptions Header)[] HeaderOptions =
    [
        ("return_path_add", MessageWriteOptions.ReturnPath),
        ("envelope_to_add", MessageWriteOptions.EnvelopeTo),
        ("delivery_date_add", MessageWriteOptions.DeliveryDate),
    ];

    private const string BatchMax = "batch_max";

    /// <summary>A table's options as its driver reads them, the core's own keys already read.</summary>
    public static PluginOptions OptionsOf(TransportSection section)
        => new(section.ConfigPath, $"transports \"{section.Name}\"", section.Options, CoreKeys, anchor: "name");

    public static FrozenDictionary<string, ConfiguredTransport> Build(LoadedConfig loaded, IReadOnlyDictionary<StrategyKey, object> strategies,
        ILoggerFactory loggerFactory, List<ConfigDiagnostic> errors)
    {
        var result = new Dictionary<string, ConfiguredTransport>(StringComparer.Ordinal);
        var main = new MainOptionsView(loaded.Config);
        foreach (var section in loaded.Transports)
        {
            var table = new DriverTable($"transports \"{section.Name}\"", section.Driver, section.ConfigPath, section.DriverPosition);
            if (table.Find<ITransportDriver>(strategies, errors) is not { } driver) continue;
            var options = OptionsOf(section);
            (MessageWriteOptions Add, MessageWriteOptions Remove, int? BatchMax) generic = default;
            var transport = table.Create(options, () =>
            {
                generic = ReadGeneric(options);
                return driver.Create(new TransportDefinition(section.Name, options, main, loggerFactory));
            }, errors);
            if (transport is null) continue;
            if (generic.BatchMax is not null && transport.IsRemote)
            {
                errors.Add(options.Position(BatchMax, $"{BatchMax} in {table.Where}: a remote transport's recipients per message are its driver's (max_rcpt for smtp)"));
                continue;
            }
            result[section.Name] = new ConfiguredTransport(section.Name, section.Driver, transport, generic.Add, generic.Remove, generic.BatchMax ?? 1);
        }
        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The generic options: headers forced on (set true) or off (set false), and batch_max (at least 1) when set.</summary>
    public static (MessageWriteOptions Add, MessageWriteOptions Remove, int? BatchMax) ReadGeneric(PluginOptions options)
    {
        var (add, remove) = (MessageWriteOptions.None, MessageWriteOptions.None);
        foreach (var (key, header) in HeaderOptions)
        {
            switch (options.GetBoolean(key))
            {
                case true: add |= header; break;
                case false: remove |= header; break;
            }
        }
        var batchMax = options.GetInt64(BatchMax);
        if (batchMax is < 1 or > int.MaxValue) throw options.Invalid(BatchMax, batchMax < 1 ? $"{batchMax} is below the minimum of 1" : $"{batchMax} is too large");
        return (add, remove, (int?)batchMax);
    }
}
