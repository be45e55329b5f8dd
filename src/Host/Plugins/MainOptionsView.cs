using System.Collections.Immutable;
using System.Globalization;
using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Exim.Host.Configuration;

namespace Exim.Host.Plugins;

/// <summary>
/// The main options of one configuration snapshot as plugins, drivers and scripts read them: by Exim's option names, through
/// the same option table the loader binds, without the secret ones.
/// </summary>
internal sealed class MainOptionsView(EximConfig config) : IMainOptionsView
{
    private static readonly OptionTable Table = OptionTable.For<MainOptions>();

    public string ConfigDirectory => config.ConfigDirectory;
    public string PrimaryHostname => config.Main.PrimaryHostname;
    public string QualifyDomain => config.Main.QualifyDomain;
    public string QualifyRecipient => config.Main.QualifyRecipient;
    public string SpoolDirectory => config.Main.SpoolDirectory;

    public string? GetString(string name) => Value(name) switch
    {
        null => null,
        string s => s,
        var other when other.GetType().IsEnum => other.ToString(),
        var other => throw Mismatch(name, "a string"),
    };

    public bool GetBoolean(string name) => Value(name) is bool b ? b : throw Mismatch(name, "a boolean");

    public long GetInt64(string name) => Value(name) switch
    {
        int i => i,
        long l => l,
        _ => throw Mismatch(name, "an integer or a size"),
    };

    public TimeSpan GetTime(string name) => Value(name) is TimeSpan t ? t : throw Mismatch(name, "a time");

    public ImmutableArray<string> GetList(string name) => Value(name) is ImmutableArray<string> list ? list : throw Mismatch(name, "a list");

    private object? Value(string name)
    {
        if (!Table.ByName.TryGetValue(name, out var option)) throw new ArgumentException($"\"{name}\" is not a main option", nameof(name));
        if (option.Hidden) throw new ArgumentException($"\"{name}\" is a secret option and cannot be read by plugins", nameof(name));
        return option.GetValue(config.Main);
    }

    private static InvalidCastException Mismatch(string name, string wanted)
        => new(string.Create(CultureInfo.InvariantCulture, $"main option \"{name}\" is not {wanted} ({Table.ByName[name].Type.Name})"));
}
