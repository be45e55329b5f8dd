using System.Collections.Immutable;

namespace Exim.Abstractions.Plugins;

/// <summary>
/// A read-only view of the generation's main options (the top-level keys of <c>exim.toml</c>), by Exim's option names,
/// with the values the host resolved (defaults filled in, relative paths made absolute). Secret options (passwords) are
/// not readable through it. Each getter throws <see cref="ArgumentException"/> for a name that is no main option, or
/// <see cref="InvalidCastException"/> when the option is of another type.
/// </summary>
public interface IMainOptionsView
{
    /// <summary>The directory holding the configuration file: relative paths in a plugin's options resolve against it.</summary>
    string ConfigDirectory { get; }

    /// <summary><c>primary_hostname</c>.</summary>
    string PrimaryHostname { get; }

    /// <summary><c>qualify_domain</c>: the domain added to unqualified senders.</summary>
    string QualifyDomain { get; }

    /// <summary><c>qualify_recipient</c>: the domain added to unqualified recipients.</summary>
    string QualifyRecipient { get; }

    /// <summary><c>spool_directory</c>.</summary>
    string SpoolDirectory { get; }

    /// <summary>A string (or path) option.</summary>
    string? GetString(string name);

    /// <summary>A boolean option.</summary>
    bool GetBoolean(string name);

    /// <summary>An integer or size option (sizes in bytes; fixed-point options such as <c>smtp_load_reserve</c> in thousandths).</summary>
    long GetInt64(string name);

    /// <summary>A time option.</summary>
    TimeSpan GetTime(string name);

    /// <summary>A list option, as items.</summary>
    ImmutableArray<string> GetList(string name);
}
