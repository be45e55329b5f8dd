using Exim.Host.Configuration;

namespace Exim.Host.Tests.Delivery;

/// <summary>Retry rules (when the configuration loads) and manualroute options (when its driver creates the router) are checked, with positions.</summary>
public sealed class DeliveryConfigTests
{
    private const string Path = "/etc/exim/exim.toml";

    /// <summary>The errors of loading <paramref name="text"/> and building its routers (where the drivers check their options).</summary>
    private static string Errors(string text) => Routing.TestRouters.Errors(text, Path);

    [Fact]
    public void ValidRetryAndManualroute_Load()
    {
        var result = TomlConfigLoader.Parse("""
            [[transports]]
            name = "smarthost"
            driver = "smtp"

            [[routers]]
            name = "smart"
            driver = "manualroute"
            route_list = ["* mail.example.net::587 byname"]
            host_find_failed = "ignore"
            transport = "smarthost"

            [[retry]]
            pattern = "*"
            rules = "F,2h,15m; G,16h,1h,1.5; F,4d,6h"
            """, Path);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
    }

    [Fact]
    public void BadRetryRule_IsReportedAtItsLine()
        => Assert.Equal("/etc/exim/exim.toml:3:1: retry rule item \"G,2h,15m\": G takes 4 fields", Errors("""
            [[retry]]
            pattern = "*"
            rules = "F,1h,5m; G,2h,15m"
            """));

    [Fact]
    public void BadManualrouteOptions_AreReported()
    {
        var errors = Errors("""
            [[routers]]
            name = "smart"
            driver = "manualroute"
            route_list = ["* host.test sideways"]
            host_find_failed = "explode"
            host_all_ignored = "ignore"
            """);

        Assert.Contains("4:1: unknown option \"sideways\" in route_list item \"* host.test sideways\"", errors, StringComparison.Ordinal);
        Assert.Contains("5:1: \"explode\" is not a valid value for host_find_failed in router \"smart\"", errors, StringComparison.Ordinal);
        Assert.Contains("6:1: \"ignore\" is not a valid value for host_all_ignored in router \"smart\"", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void ManualrouteWithoutRoutes_IsAnError()
        => Assert.Contains("manualroute router \"smart\" needs route_list or route_data", Errors("""
            [[routers]]
            name = "smart"
            driver = "manualroute"
            """), StringComparison.Ordinal);

    [Fact]
    public void RewriteHeadersTrue_IsRefusedAtItsPosition_FalseLoads()
    {
        const string Router = """
            [[transports]]
            name = "remote"
            driver = "smtp"

            [[routers]]
            name = "dnslookup"
            driver = "dnslookup"
            transport = "remote"
            rewrite_headers = {0}
            """;

        Assert.Equal("/etc/exim/exim.toml:9:1: dnslookup router: rewrite_headers = true is not supported: header addresses are not rewritten when dnslookup expands a domain (set it to false or leave it out)",
            Errors(string.Format(System.Globalization.CultureInfo.InvariantCulture, Router, "true")));
        Assert.Equal("", Errors(string.Format(System.Globalization.CultureInfo.InvariantCulture, Router, "false")));
    }
}
