using Exim.Abstractions.Config;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// The host's option tables know where each key is written: the built-in drivers use this to give their errors Exim's
/// exact wording at the key's place (a plugin's driver uses <see cref="Abstractions.Plugins.IPluginOptions.Invalid"/>).
/// </summary>
internal interface IOptionPositions
{
    /// <summary>A diagnostic with <paramref name="message"/> at <paramref name="key"/> (or the table's anchor when the key is absent).</summary>
    ConfigDiagnostic Position(string key, string message);
}
