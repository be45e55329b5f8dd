using System.Collections.Frozen;

namespace Exim.Host.Configuration;

/// <summary>
/// One <c>[[authenticators]]</c> table: what the core reads (name, driver, public name) and the driver's own options,
/// left for the driver to read and check once the plugins are loaded.
/// </summary>
/// <param name="Name">The authenticator's name.</param>
/// <param name="Driver">The driver a plugin registers (<c>passwd_file</c>, <c>dovecot</c>, ...).</param>
/// <param name="PublicName">The SASL mechanism, upper case (Exim's default: the name).</param>
/// <param name="ConfigPath">The configuration file.</param>
/// <param name="DriverPosition">Where <c>driver</c> is written (line, column), for an unknown driver.</param>
/// <param name="Options">Every key of the table with its position; the core's own three are marked as read.</param>
internal sealed record AuthenticatorSection(string Name, string Driver, string PublicName, string ConfigPath, (int Line, int Column) DriverPosition,
    FrozenDictionary<string, RawOption> Options);
