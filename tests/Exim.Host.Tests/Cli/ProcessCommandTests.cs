using Exim.TestKit;

namespace Exim.Host.Tests.Cli;

/// <summary>The command line against the real exim executable.</summary>
public sealed class ProcessCommandTests
{
    [Fact]
    public async Task PrintOptions_NoNames_PrintsEveryMainOptionSortedInEximsForm()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "primary_hostname = \"mx.example\"\nqueue_only = true\nmessage_size_limit = \"10M\"\nspool_directory = \"spool\"");

        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bP");

        Assert.Equal(0, code);
        Assert.Equal("", stderr);
        var lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Contains("primary_hostname = mx.example", lines);
        Assert.Contains("queue_only", lines);
        Assert.Contains("no_disable_ipv6", lines);
        Assert.Contains("message_size_limit = 10M", lines);
        Assert.Contains("smtp_accept_max = 20", lines);
        Assert.Contains("daemon_startup_sleep = 30s", lines);
        Assert.Contains("local_interfaces = <; ::0 ; 0.0.0.0", lines);
        Assert.Contains($"spool_directory = {dir.Combine("spool")}", lines);
        var names = lines.Select(l => l.Split(' ')[0].Replace("no_", "", StringComparison.Ordinal)).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task PrintOptions_NamedAndUnknown()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "smtp_accept_max = 7");

        var (code, stdout, _) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bP", "smtp_accept_max", "tcp_nodelay", "no_such_thing", "config_file");

        Assert.Equal(1, code);
        Assert.Equal($"smtp_accept_max = 7\ntcp_nodelay\nno_such_thing is not a known option\nconfig_file = {config}\n", stdout);
    }

    [Fact]
    public async Task PrintOptions_QualifyDomainAndRecipient_AsExim()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "primary_hostname = \"mx.test.example\"\nqualify_recipient = \"test.example\"");

        var (code, stdout, _) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bP", "qualify_domain", "qualify_recipient");

        Assert.Equal(0, code);
        Assert.Equal("qualify_domain = mx.test.example\nqualify_recipient = test.example\n", stdout);
    }

    [Fact]
    public async Task PrintOptions_SmtpConnectBacklogAboveTheKernelLimit_SaysSoOnStderr()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "smtp_connect_backlog = 65535");
        var kernel = int.Parse(File.ReadAllText("/proc/sys/net/core/somaxconn").Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var (code, stdout, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bP", "smtp_connect_backlog");

        Assert.Equal(0, code);
        Assert.Equal("smtp_connect_backlog = 65535\n", stdout); // the configured value, as Exim prints it
        Assert.Equal(kernel < 65535
            ? $"exim: smtp_connect_backlog = 65535 is more than the kernel allows: listen backlogs are capped at {kernel} (net.core.somaxconn)\n"
            : "", stderr);
    }

    [Fact]
    public async Task PrintOptions_DashN_OmitsNames()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "smtp_accept_max = 7");

        var (code, stdout, _) = await EximProcess.RunAsync(dir.Path, "-C", config, "-n", "-bP", "smtp_accept_max");

        Assert.Equal(0, code);
        Assert.Equal("7\n", stdout);
    }

    [Fact]
    public async Task Version_WithBundledConfig_ListsEveryPluginWithItsVersion()
    {
        var (code, stdout, stderr) = await EximProcess.RunAsync(RepoPaths.Root, "-bV");

        Assert.True(code == 0, stderr);
        Assert.Matches(@"^Exim version 4\.96 #1 built \d\d-\w{3}-\d{4} \d\d:\d\d:\d\d\n", stdout);
        Assert.Contains($"Configuration file is {Path.Combine(RepoPaths.Root, "exim.toml")}", stdout, StringComparison.Ordinal);
        Assert.Contains("Plugin contract: Exim.Abstractions 2.0.0 (loads plugins built against 2.0–2.0)\n", stdout, StringComparison.Ordinal);
        Assert.Contains("Plugin interface-scanner: Exim.Plugins.InterfaceScanner 0.1.0", stdout, StringComparison.Ordinal);
        Assert.Contains("Plugin gethostbyname-resolver: Exim.Plugins.GetHostByNameResolver 0.1.0", stdout, StringComparison.Ordinal);
        Assert.Contains("provides IAddressResolver \"byname\"", stdout, StringComparison.Ordinal);
        // The shipped policies compile against the contract as they are.
        foreach (var hook in new[] { "accept", "helo", "rcpt", "data", "child_exit" })
        {
            Assert.Matches($@"Hook {hook}: scripts/{hook.Replace('_', '-')}\.csx \((compiled|from the compiled-script cache)\)", stdout);
        }
    }

    [Fact]
    public async Task Version_WithBadConfig_PrintsEveryErrorWithPositionAndExits1()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "smtp_accept_max = \"x\"\n\nnot_an_option = 1\n");

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");

        Assert.Equal(1, code);
        Assert.Contains($"exim: configuration error: {config}:1:1: invalid value for \"smtp_accept_max\"", stderr, StringComparison.Ordinal);
        Assert.Contains($"exim: configuration error: {config}:3:1: unknown option \"not_an_option\"", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_WithMissingPluginAssembly_FailsNamingThePlugin()
    {
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", "[plugins.ghost]\nassembly = \"nowhere/Ghost.dll\"\n");

        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");

        Assert.Equal(1, code);
        Assert.Contains($"plugin \"ghost\": assembly {dir.Combine("nowhere", "Ghost.dll")} does not exist", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncompatibleOptions_Exit2WithEximsText()
    {
        var (code, _, stderr) = await EximProcess.RunAsync(RepoPaths.Root, "-bd", "-q");

        Assert.Equal(2, code);
        Assert.Equal("exim: incompatible command-line options or arguments\n", stderr);
    }

    [Fact]
    public async Task Help_PrintsUsage()
    {
        var (code, stdout, _) = await EximProcess.RunAsync(RepoPaths.Root, "--help");

        Assert.Equal(0, code);
        Assert.Contains("-bV", stdout, StringComparison.Ordinal);
        Assert.Contains("SIGHUP", stdout, StringComparison.Ordinal);
    }
}
