using Exim.TestKit;

namespace Exim.Host.Tests.Routing;

/// <summary>
/// Router drivers as strategies: the host's built-in drivers and a plugin's share one registry, so a plugin can add a
/// driver or replace a built-in one; a driver's unknown options and an unknown driver are configuration errors with their
/// place (the real exim executable, with the test plugin registering its test redirect driver).
/// </summary>
public sealed class RouterDriverTests
{
    private static async Task<(int ExitCode, string Stdout, string Stderr)> BtAsync(string driverName, string routers, string address)
    {
        using var dir = new TempDirectory("router-driver");
        var config = dir.Combine("exim.toml");
        await File.WriteAllTextAsync(config, $"""
            spool_directory = "spool"
            primary_hostname = "test.example"
            local_interfaces = []

            {routers}

            [[transports]]
            name = "remote"
            driver = "smtp"

            [plugins.test]
            assembly = "{TestPluginFiles.V1}"
            redirect_driver = "{driverName}"
            """);
        return await EximProcess.RunAsync(dir.Path, "-C", config, "-bt", address);
    }

    [Fact]
    public async Task APluginsDriver_ReplacesTheBuiltInOfThatName()
    {
        var (code, stdout, stderr) = await BtAsync("accept", """
            [[routers]]
            name = "aliases"
            driver = "accept"
            aliases = ["a: b"]

            [[routers]]
            name = "out"
            driver = "manualroute"
            route_list = ["* 192.0.2.1"]
            transport = "remote"
            """, "a@test.example");

        Assert.True(code == 0, stdout + stderr);
        Assert.Equal("b@test.example\n    <-- a@test.example\n  router = out, transport = remote\n  host 192.0.2.1 [192.0.2.1]\n", stdout);
    }

    [Fact]
    public async Task AnOptionNoOneReads_IsAnErrorAtItsPlace_NamingTheDriver()
    {
        var (code, _, stderr) = await BtAsync("testredirect", """
            [[routers]]
            name = "aliases"
            driver = "testredirect"
            colour = "red"
            """, "a@test.example");

        Assert.NotEqual(0, code);
        Assert.Contains("exim.toml:8:1: unknown option \"colour\" in routers \"aliases\" (driver testredirect)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownDriver_IsAnErrorNamingTheKnownOnes_APluginsIncluded()
    {
        var (code, _, stderr) = await BtAsync("testredirect", """
            [[routers]]
            name = "x"
            driver = "nosuch"
            """, "a@test.example");

        Assert.NotEqual(0, code);
        Assert.Contains("exim.toml:7:1: unknown driver \"nosuch\" in routers \"x\" (known: accept, dnslookup, manualroute, testredirect)", stderr, StringComparison.Ordinal);
    }
}
