using Exim.Abstractions.Plugins;

namespace Exim.Host.Tests.Sdk;

/// <summary>
/// What the contract (Exim.Abstractions) exposes: what plugins need, not the host's configuration schema or its matchers.
/// </summary>
public sealed class ContractSurfaceTests
{
    private static readonly Type[] Exported = typeof(IEximPlugin).Assembly.GetExportedTypes();

    private static string[] ExportedIn(string ns)
        => [.. Exported.Where(t => t.Namespace == ns).Select(t => t.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void ConfigurationSchema_IsTheHostsOwn_OnlyTheErrorsDriversThrowArePublic()
        => Assert.Equal(["ConfigDiagnostic", "EximConfigException"], ExportedIn("Exim.Abstractions.Config"));

    [Fact]
    public void HostListMatching_IsAServiceOfTheHost_NotAnImplementationInTheContract()
    {
        Assert.Equal(["HostListMatch", "HostNames", "IHostList", "IHostListFactory", "IHostNameLookups"], ExportedIn("Exim.Abstractions.Matching"));
        Assert.All(Exported.Where(t => t.Namespace == "Exim.Abstractions.Matching" && t.IsClass), t => Assert.True(t.IsSealed && t.Name == "HostNames", t.Name));
    }

    [Fact]
    public void PluginContexts_HandOutTheMainOptionsView_NeverAConfigurationClass()
    {
        var handedOut = Exported
            .SelectMany(t => t.GetMembers(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly))
            .OfType<System.Reflection.PropertyInfo>()
            .Where(p => p.Name is "Main" or "Config")
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}: {p.PropertyType.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            ["AuthenticatorDefinition.Main: IMainOptionsView", "IDaemonContext.Main: IMainOptionsView", "IPluginContext.Main: IMainOptionsView",
             "IQueueSchedulerContext.Main: IMainOptionsView", "RouterDefinition.Main: IMainOptionsView", "ScriptGlobals.Main: IMainOptionsView",
             "TransportDefinition.Main: IMainOptionsView"],
            handedOut);
    }
}
