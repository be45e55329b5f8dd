using Exim.Host.Configuration;
using Exim.Host.Security;

namespace Exim.Host.Tests.Security;

public sealed class EximIdentityTests
{
    [Fact]
    public void UnknownEximUser_IsAConfigErrorAtItsPlace()
    {
        var result = TomlConfigLoader.Parse("primary_hostname = \"mx.test\"\n  exim_user = \"no-such-exim-user\"\n", "/test/exim.toml");

        Assert.False(result.Succeeded);
        Assert.Equal("/test/exim.toml:2:3: exim_user: no such user \"no-such-exim-user\"", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void UnknownEximGroup_AndAGroupWithoutAUser_AreConfigErrorsAtTheirPlace()
    {
        var unknown = TomlConfigLoader.Parse("exim_user = \"nobody\"\nexim_group = \"no-such-exim-group\"\n", "/test/exim.toml");
        var alone = TomlConfigLoader.Parse("exim_group = \"nogroup\"\n", "/test/exim.toml");

        Assert.Equal("/test/exim.toml:2:1: exim_group: no such group \"no-such-exim-group\"", Assert.Single(unknown.Errors).ToString());
        Assert.Equal("/test/exim.toml:1:1: exim_group is set but exim_user is not", Assert.Single(alone.Errors).ToString());
    }

    [Fact]
    public void EximUser_ResolvesWithItsPrimaryGroup_OrExplicitGroup()
    {
        var primary = TomlConfigLoader.Parse("exim_user = \"nobody\"\n", "/test/exim.toml");
        var explicitGroup = TomlConfigLoader.Parse("exim_user = \"65534\"\nexim_group = \"0\"\n", "/test/exim.toml");

        Assert.Equal(new EximIdentity("nobody", 65534, 65534, "nogroup"), EximIdentity.From(primary.Config!.Config.Main, primary.Config.AtMainOption));
        Assert.Equal(new EximIdentity("nobody", 65534, 0, "root"), EximIdentity.From(explicitGroup.Config!.Config.Main, explicitGroup.Config.AtMainOption));
        Assert.True(EximIdentity.From(TomlConfigLoader.Parse("exim_user = \"root\"\n", "/t.toml").Config!.Config.Main, (_, m) => new(":", 0, 0, m))!.IsRoot);
    }
}
