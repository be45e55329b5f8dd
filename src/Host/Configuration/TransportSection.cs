using System.Collections.Frozen;

namespace Exim.Host.Configuration;

/// <summary>
/// One <c>[[transports]]</c> table: its name and driver, which the core reads, and every key with its position, left for
/// the core's generic options and the driver (built in or a plugin's) to read and check when the generation is built.
/// </summary>
/// <param name="Name">The transport's name.</param>
/// <param name="Driver">The driver (<c>smtp</c>, <c>maildir</c>, or one a plugin registers, such as <c>lmtp</c>).</param>
/// <param name="ConfigPath">The configuration file.</param>
/// <param name="DriverPosition">Where <c>driver</c> is written (line, column), for an unknown driver.</param>
/// <param name="Options">Every key of the table with its position.</param>
internal sealed record TransportSection(string Name, string Driver, string ConfigPath, (int Line, int Column) DriverPosition,
    FrozenDictionary<string, RawOption> Options);
