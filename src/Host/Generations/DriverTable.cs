using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Plugins;

namespace Exim.Host.Generations;

/// <summary>
/// One <c>[[authenticators]]</c>, <c>[[routers]]</c> or <c>[[transports]]</c> table handed to its driver: the steps the
/// three builders share. The driver is looked up by interface and name (an unknown one is an error naming the known
/// ones); its <c>Create</c> reads the table's own options; keys it did not read are unknown options; and whatever it
/// throws becomes configuration errors with their place, never an exception out of the core.
/// </summary>
/// <param name="Where">How messages name the table: <c>routers "r"</c>.</param>
/// <param name="Driver">The table's <c>driver</c>.</param>
/// <param name="ConfigPath">The configuration file.</param>
/// <param name="DriverPosition">Where <c>driver</c> is written.</param>
internal readonly record struct DriverTable(string Where, string Driver, string ConfigPath, (int Line, int Column) DriverPosition)
{
    /// <summary>The driver registered as <typeparamref name="TDriver"/> under <see cref="Driver"/>, or null after adding the error.</summary>
    /// <param name="none">The text when no driver of this kind is registered at all; null: an empty "known:" list.</param>
    public TDriver? Find<TDriver>(IReadOnlyDictionary<StrategyKey, object> strategies, List<ConfigDiagnostic> errors, string? none = null)
        where TDriver : class
    {
        if (strategies.TryGetValue(new StrategyKey(typeof(TDriver), Driver), out var found)) return (TDriver)found;
        var known = strategies.Keys.Where(k => k.Strategy == typeof(TDriver)).Select(k => k.Key).Order(StringComparer.Ordinal).ToList();
        var list = known.Count == 0 && none is not null ? none : "known: " + string.Join(", ", known);
        errors.Add(new ConfigDiagnostic(ConfigPath, DriverPosition.Line, DriverPosition.Column, $"unknown driver \"{Driver}\" in {Where} ({list})"));
        return null;
    }

    /// <summary>
    /// Runs <paramref name="create"/>; returns what it made when it succeeded and read every key of <paramref name="options"/>,
    /// else null with the errors added.
    /// </summary>
    public T? Create<T>(PluginOptions options, Func<T> create, List<ConfigDiagnostic> errors) where T : class
    {
        try
        {
            var made = create() ?? throw new InvalidOperationException("Create returned null");
            var unknown = options.UnreadKeys.ToList();
            if (unknown.Count == 0) return made;
            var (where, driver) = (Where, Driver);
            errors.AddRange(unknown.Select(k => options.Position(k, $"unknown option \"{k}\" in {where} (driver {driver})")));
        }
        catch (EximConfigException e)
        {
            errors.Add(InFile(e));
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is EximConfigException))
        {
            // A driver may report every bad option of its table at once.
            foreach (var inner in e.InnerExceptions) errors.Add(InFile((EximConfigException)inner));
        }
        catch (ConfigErrorsException e)
        {
            errors.AddRange(e.Diagnostics);
        }
        catch (Exception e)
        {
            // A driver that throws must never take the core down: it is a configuration error.
            errors.Add(new ConfigDiagnostic(ConfigPath, DriverPosition.Line, DriverPosition.Column,
                $"{Where}: driver \"{Driver}\" failed: {e.GetType().Name}: {e.Message}"));
        }
        return null;
    }

    private ConfigDiagnostic InFile(EximConfigException e) => e.Diagnostic.File.Length == 0 ? e.Diagnostic with { File = ConfigPath } : e.Diagnostic;
}
