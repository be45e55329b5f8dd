using Exim.Host.Plugins;
using Exim.TestKit;

namespace Exim.Host.Tests.Sdk;

public sealed class ContractVersionTests
{
    [Theory]
    [InlineData("1.0", "1.3", true)]
    [InlineData("1.3", "1.3", true)]
    [InlineData("1.4", "1.3", false)]
    [InlineData("2.0", "1.3", false)]
    [InlineData("0.9", "1.3", false)]
    [InlineData("1.0", "2.0", false)]
    [InlineData("1.9", "2.0", false)]
    [InlineData("2.0", "2.0", true)]
    public void SameMajor_AndMinorNoHigherThanTheHosts_IsCompatible(string builtAgainst, string host, bool compatible)
        => Assert.Equal(compatible, ContractVersion.IsCompatible(Version.Parse(builtAgainst), Version.Parse(host)));

    [Fact]
    public void Refusal_NamesBothVersions_AndTheCompatibleRange()
        => Assert.Equal(
            $"plugin \"test\": {TestPluginFiles.V1} was built against Exim.Abstractions {ContractVersion.Host.Major}.{ContractVersion.Host.Minor} but this host provides {ContractVersion.Host.Major - 1}.7 (compatible: {ContractVersion.Host.Major - 1}.0–{ContractVersion.Host.Major - 1}.7)",
            ContractVersion.Check("test", TestPluginFiles.V1, new Version(ContractVersion.Host.Major - 1, 7)));

    [Fact]
    public void BundledPlugin_ReferencesTheHostsContract_AndIsAccepted()
    {
        var dns = RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll");
        Assert.Equal(ContractVersion.Host, ContractVersion.ReferencedBy(dns));
        Assert.Null(ContractVersion.Check("dns", dns, ContractVersion.Host));
    }

    [Fact]
    public void HostContract_IsTheAbstractionsPackageVersion_NotTheHosts()
    {
        Assert.Equal(2, ContractVersion.Host.Major);
        Assert.Equal($"{ContractVersion.Host.Major}.{ContractVersion.Host.Minor}.0", ContractVersion.HostDisplay);
    }
}
