using Exim.Host.Configuration;
using Exim.TestKit;

namespace Exim.Host.Tests.Configuration;

public sealed class TomlConfigLoaderTests
{
    private const string Path = "/etc/exim/exim.toml";

    private static ConfigLoadResult Parse(string text) => TomlConfigLoader.Parse(text, Path);

    private static string Errors(ConfigLoadResult r) => string.Join("\n", r.Errors);

    [Fact]
    public void Load_BundledConfig_Succeeds()
    {
        var result = TomlConfigLoader.Load(System.IO.Path.Combine(RepoPaths.Root, "exim.toml"));

        Assert.True(result.Succeeded, Errors(result));
        Assert.Equal(System.IO.Path.Combine(RepoPaths.Root, "spool"), result.Config.Config.Main.SpoolDirectory);
        Assert.Contains(result.Config.PluginSections, p => p.Name == "interface-scanner");
    }

    [Fact]
    public void Parse_Defaults_AreExims()
    {
        var main = Parse("").Config!.Config.Main;

        Assert.Equal(20, main.SmtpAcceptMax);
        Assert.Equal(10, main.SmtpAcceptQueuePerConnection);
        Assert.Equal(TimeSpan.FromSeconds(30), main.DaemonStartupSleep);
        Assert.Equal(9, main.DaemonStartupRetries);
        Assert.Equal(20, main.SmtpConnectBacklog);
        Assert.Equal<string>(["::0", "0.0.0.0"], main.LocalInterfaces);
        Assert.Equal<string>(["smtp"], main.DaemonSmtpPorts);
        Assert.Equal(-1, main.SmtpLoadReserve);
        Assert.NotEqual("", main.PrimaryHostname);
    }

    [Fact]
    public void Parse_SyntaxError_ReportsFileLineAndColumn()
    {
        var result = Parse("a = 1\nb = = 2\n");

        Assert.False(result.Succeeded);
        var first = result.Errors[0];
        Assert.Equal((Path, 2, 5), (first.File, first.Line, first.Column));
        Assert.StartsWith("/etc/exim/exim.toml:2:5: ", first.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateKey_ReportsTheRedefinition()
    {
        var result = Parse("smtp_accept_max = 1\nsmtp_accept_max = 2\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal((2, 1), (error.Line, error.Column));
        Assert.Contains("already defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ArrayOfTablesSplitByOtherTables_IsRefused_NotSilentlyShortened()
    {
        var result = Parse("""
            [[routers]]
            name = "r1"
            driver = "accept"
            [[transports]]
            name = "t1"
            driver = "maildir"
            [[routers]]
            name = "r2"
            driver = "accept"
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal((7, 1), (error.Line, error.Column));
        Assert.Equal("[[routers]] continues the [[routers]] tables begun at line 1 after other tables: keep all [[routers]] tables together", error.Message);
    }

    [Fact]
    public void Parse_ArrayOfTablesKeptTogether_KeepsEveryTable()
    {
        var result = Parse("""
            [[transports]]
            name = "t1"
            driver = "maildir"
            [[routers]]
            name = "r1"
            driver = "accept"
            transport = "t1"
            [[routers]]
            name = "r2"
            driver = "accept"
            transport = "t1"
            """);

        Assert.True(result.Succeeded, Errors(result));
        Assert.Equal<string>(["r1", "r2"], result.Config!.Config.Routers.Select(r => r.Name));
    }

    [Fact]
    public void Parse_UnknownKey_IsAnErrorWithPosition()
    {
        var result = Parse("primary_hostname = \"a\"\n\n  smtp_accept_mx = 5\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("/etc/exim/exim.toml:3:3: unknown option \"smtp_accept_mx\"", error.ToString());
    }

    [Fact]
    public void Parse_EveryErrorIsReportedTogether()
    {
        var result = Parse("""
            smtp_accept_max = "lots"
            daemon_startup_sleep = "5q"
            bogus = true
            smtp_connect_backlog = 0
            """);

        Assert.Equal(4, result.Errors.Length);
        Assert.Equal([1, 2, 3, 4], result.Errors.Select(e => e.Line).Order());
        Assert.Contains(result.Errors, e => e.Message.Contains("expected an integer, found the string \"lots\"", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Message.Contains("expected a time", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.Message.Contains("0 is below the minimum of 1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\"1h30m\"", 5400)]
    [InlineData("\"30s\"", 30)]
    [InlineData("\"2d\"", 172800)]
    [InlineData("\"1w\"", 604800)]
    [InlineData("45", 45)]
    public void Parse_Times_AcceptEximForms(string value, int seconds)
    {
        var result = Parse($"smtp_receive_timeout = {value}");

        Assert.Equal(TimeSpan.FromSeconds(seconds), result.Config!.Config.Main.SmtpReceiveTimeout);
    }

    [Theory]
    [InlineData("\"50M\"", 50L * 1024 * 1024)]
    [InlineData("\"10K\"", 10L * 1024)]
    [InlineData("\"1G\"", 1024L * 1024 * 1024)]
    [InlineData("1000", 1000L)]
    public void Parse_Sizes_AcceptEximForms(string value, long bytes)
    {
        Assert.Equal(bytes, Parse($"message_size_limit = {value}").Config!.Config.Main.MessageSizeLimit);
    }

    [Fact]
    public void Parse_ListAsEximString_UsesEximListSyntax()
    {
        var main = Parse("""
            local_interfaces = "<; ::0 ; 0.0.0.0"
            relay_from_hosts = "127.0.0.1 : 10.0.0.0/8"
            """).Config!.Config.Main;

        Assert.Equal<string>(["::0", "0.0.0.0"], main.LocalInterfaces);
        Assert.Equal<string>(["127.0.0.1", "10.0.0.0/8"], main.RelayFromHosts);
    }

    [Fact]
    public void Parse_SpoolSync_AcceptsOnlyItsTwoModes()
    {
        Assert.Equal("file", Parse("spool_sync = \"file\"").Config!.Config.Main.SpoolSync);
        var error = Assert.Single(Parse("spool_sync = \"sometimes\"").Errors);
        Assert.Equal("/etc/exim/exim.toml:1:1: invalid value for \"spool_sync\": \"sometimes\" (expected \"filesystem\" or \"file\")", error.ToString());
    }

    [Fact]
    public void Parse_LoadAverage_IsFixedPoint()
    {
        Assert.Equal(2500, Parse("smtp_load_reserve = 2.5").Config!.Config.Main.SmtpLoadReserve);
    }

    [Fact]
    public void Parse_DaemonSmtpPortAlias_IsAccepted()
    {
        Assert.Equal<string>(["25", "587"], Parse("daemon_smtp_port = [25, 587]").Config!.Config.Main.DaemonSmtpPorts);
    }

    [Fact]
    public void Parse_SmtpAcceptMaxAbove4095_IsClampedAndQueueAboveMaxIsZeroed()
    {
        var main = Parse("smtp_accept_max = 10000\nsmtp_accept_queue = 20000").Config!.Config.Main;

        Assert.Equal(4096, main.SmtpAcceptMax);
        Assert.Equal(0, main.SmtpAcceptQueue);
    }

    [Fact]
    public void Parse_PerHostLimitWithoutAcceptMax_IsExinsError()
    {
        var error = Assert.Single(Parse("smtp_accept_max = 0\nsmtp_accept_max_per_host = 5").Errors);

        Assert.Equal("smtp_accept_max must be set if smtp_accept_queue or smtp_accept_max_per_host is set", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Parse_RelativePaths_AreResolvedAgainstTheConfigDirectory()
    {
        var result = Parse("spool_directory = \"spool\"\n[plugins.p]\nassembly = \"plugins/p.dll\"\nkey = 1");

        Assert.Equal("/etc/exim/spool", result.Config!.Config.Main.SpoolDirectory);
        var plugin = Assert.Single(result.Config.PluginSections);
        Assert.Equal("/etc/exim/plugins/p.dll", plugin.AssemblyPath);
        Assert.Equal(4, plugin.Options["key"].Line);
    }

    [Fact]
    public void Parse_PluginWithoutAssembly_IsAnError()
    {
        var error = Assert.Single(Parse("[plugins.p]\nkey = 1").Errors);

        Assert.Contains("[plugins.p] needs an \"assembly\" path", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Routers_KeepOrderAndCheckDriverOptions()
    {
        var result = Parse("""
            [[transports]]
            name = "remote_smtp"
            driver = "smtp"
            port = "2526"

            [[routers]]
            name = "dnslookup"
            driver = "dnslookup"
            domains = "! +local_domains"
            transport = "remote_smtp"
            ignore_target_hosts = ["0.0.0.0", "127.0.0.0/8"]

            [[routers]]
            name = "smarthost"
            driver = "manualroute"
            route_list = ["* mail.example.net"]
            transport = "remote_smtp"
            """);

        Assert.True(result.Succeeded, Errors(result));
        var config = result.Config.Config;
        Assert.Equal<string>(["dnslookup", "smarthost"], config.Routers.Select(r => r.Name));
        Assert.Equal<string>(["! +local_domains"], config.Routers[0].Domains);
        Assert.Equal("2526", TransportBuild.Options(result, "remote_smtp").Port);
    }

    [Fact]
    public void Parse_RouterOptionOfAnotherDriver_IsRejected()
    {
        // The driver reads its own options when the routers are built: accept has none, so route_list is unknown to it.
        var error = Routing.TestRouters.Errors("[[routers]]\nname = \"r\"\ndriver = \"accept\"\nroute_list = [\"* x\"]");

        Assert.Equal("/etc/exim/exim.toml:4:1: unknown option \"route_list\" in routers \"r\" (driver accept)", error);
    }

    [Theory]
    [InlineData("reroute:example.net", true)]
    [InlineData("reroute: rewrite: example.net", true)]
    [InlineData("pass", true)]
    [InlineData("reroute:", false)]
    [InlineData("bounce", false)]
    public void Parse_RouterSelf_AcceptsEximsValuesOnly(string self, bool valid)
    {
        var result = Parse($"[[routers]]\nname = \"r\"\ndriver = \"dnslookup\"\nself = \"{self}\"");

        Assert.Equal(valid, result.Succeeded);
        if (!valid) Assert.Equal($"/etc/exim/exim.toml:4:1: r router: \"{self}\" is not valid for the self option", Assert.Single(result.Errors).ToString());
    }

    [Fact]
    public void Parse_RouterWithUnknownDriverOrMissingTransport_IsRejected()
    {
        var result = Parse("""
            [[routers]]
            name = "a"
            driver = "nosuch"
            [[routers]]
            name = "b"
            driver = "accept"
            transport = "missing"
            """);

        // The transport is checked when the file loads; the driver when the routers are built (plugins register drivers).
        var error = Assert.Single(result.Errors);
        Assert.True(error.Line == 7 && error.Message.Contains("names transport \"missing\", which is not defined", StringComparison.Ordinal), error.ToString());
        Assert.Equal("/etc/exim/exim.toml:3:1: unknown driver \"nosuch\" in routers \"a\" (known: accept, dnslookup, manualroute)",
            Routing.TestRouters.Errors("[[routers]]\nname = \"a\"\ndriver = \"nosuch\""));
    }

    [Fact]
    public void Parse_SameRouterNameTwice_IsRejected()
    {
        var result = Parse("[[routers]]\nname = \"a\"\ndriver = \"accept\"\n[[routers]]\nname = \"a\"\ndriver = \"accept\"");

        var error = Assert.Single(result.Errors);
        Assert.Equal(5, error.Line);
    }

    [Fact]
    public void Parse_SameText_HasSameRevision_DifferentTextDiffers()
    {
        var a = Parse("smtp_accept_max = 5").Config!.Config.Revision;
        var b = Parse("smtp_accept_max = 5").Config!.Config.Revision;
        var c = Parse("smtp_accept_max = 6").Config!.Config.Revision;

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Load_MissingFile_IsAnErrorNamingTheFile()
    {
        var error = Assert.Single(TomlConfigLoader.Load("/nonexistent/dir/exim.toml").Errors);

        Assert.Equal("/nonexistent/dir/exim.toml", error.File);
        Assert.Contains("cannot read configuration file", error.Message, StringComparison.Ordinal);
    }
}
