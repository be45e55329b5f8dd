namespace Exim.Abstractions.Config;

/// <summary>A <c>[plugins.&lt;name&gt;]</c> table.</summary>
/// <param name="Name">The table name.</param>
/// <param name="AssemblyPath">The absolute path of the plugin's main assembly.</param>
internal sealed record PluginDeclaration(string Name, string AssemblyPath);
