using System.Collections.Frozen;

namespace Exim.Host.Configuration;

/// <summary>A <c>[plugins.&lt;name&gt;]</c> table: where the assembly is and the plugin's own options.</summary>
internal sealed record PluginSection(string Name, string AssemblyPath, string ConfigPath, FrozenDictionary<string, RawOption> Options);
