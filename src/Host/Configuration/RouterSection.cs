using System.Collections.Frozen;

namespace Exim.Host.Configuration;

/// <summary>
/// One <c>[[routers]]</c> table as its driver will see it: the router's name and driver, and every key of the table with
/// its position (the generic ones, which the core has bound, are marked as read when the driver gets them).
/// </summary>
/// <param name="Name">The router's name.</param>
/// <param name="Driver">The driver registered under this name (<c>accept</c>, <c>dnslookup</c>, <c>manualroute</c>, a plugin's).</param>
/// <param name="ConfigPath">The configuration file.</param>
/// <param name="DriverPosition">Where <c>driver</c> is written (line, column), for an unknown driver.</param>
/// <param name="Options">Every key of the table with its position.</param>
internal sealed record RouterSection(string Name, string Driver, string ConfigPath, (int Line, int Column) DriverPosition,
    FrozenDictionary<string, RawOption> Options);
