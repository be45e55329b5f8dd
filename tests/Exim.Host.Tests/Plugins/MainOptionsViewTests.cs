using Exim.Host.Configuration;
using Exim.Host.Plugins;

namespace Exim.Host.Tests.Plugins;

/// <summary>The read-only view of the main options that plugins and drivers get instead of the binder's classes.</summary>
public sealed class MainOptionsViewTests
{
    private static MainOptionsView View(string text)
    {
        var result = TomlConfigLoader.Parse(text, "/etc/exim/exim.toml");
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return new MainOptionsView(result.Config.Config);
    }

    [Fact]
    public void ReadsOptionsByEximName_WithTheLoadersValues()
    {
        var view = View("primary_hostname = \"mx.example.org\"\nsmtp_accept_max = 77\nqueue_only = true\nsmtp_receive_timeout = \"2m\"\nlocal_domains = \"a.example : b.example\"\n");

        Assert.Equal("mx.example.org", view.PrimaryHostname);
        Assert.Equal("mx.example.org", view.QualifyDomain); // the loader's default, filled in
        Assert.Equal("/etc/exim", view.ConfigDirectory);
        Assert.Equal(77, view.GetInt64("smtp_accept_max"));
        Assert.True(view.GetBoolean("queue_only"));
        Assert.Equal(TimeSpan.FromMinutes(2), view.GetTime("smtp_receive_timeout"));
        Assert.Equal<string>(["a.example", "b.example"], view.GetList("local_domains"));
        Assert.Equal("mx.example.org", view.GetString("primary_hostname"));
    }

    [Fact]
    public void UnknownNames_WrongTypes_AndSecrets_AreRefused()
    {
        var view = View("primary_hostname = \"mx.example.org\"\n");

        Assert.Contains("\"no_such_option\" is not a main option", Assert.Throws<ArgumentException>(() => view.GetString("no_such_option")).Message, StringComparison.Ordinal);
        Assert.Contains("is not a boolean", Assert.Throws<InvalidCastException>(() => view.GetBoolean("primary_hostname")).Message, StringComparison.Ordinal);
    }
}
