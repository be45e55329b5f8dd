using Exim.Host.Plugins;
using Exim.TestKit;

namespace Exim.Host.Tests.Sdk;

/// <summary>
/// The plugin SDK end to end: a plugin made by <c>dotnet new exim-plugin</c> outside the repository, built against the
/// Exim.Abstractions package only, loads into a real daemon; one built against another major version of the contract
/// is refused with both versions named, and the running generation keeps serving.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class PluginSdkTests(PluginSdkFixture sdk) : IClassFixture<PluginSdkFixture>
{
    private static string Config(string assembly) => TestDaemon.SmtpConfig() + $"""

        [plugins.acme]
        assembly = "{assembly}"
        refuse_prefix = "blocked-"

        [hooks]
        order = ["acme"]
        """;

    [Fact]
    public async Task TemplatePlugin_BuiltAgainstThePackageOnly_PassesItsTests_AndLoadsIntoTheDaemon()
    {
        Assert.Contains("Passed!", sdk.TestOutput, StringComparison.Ordinal);
        Assert.Contains("Failed:     0", sdk.TestOutput, StringComparison.Ordinal);

        // Three lines and a PackageReference: no path into this repository.
        var csproj = File.ReadAllText(Path.Combine(sdk.PluginProjectDirectory, PluginSdkFixture.PluginName + ".csproj"));
        Assert.Contains($"<PackageReference Include=\"Exim.Abstractions\" Version=\"{ContractVersion.HostDisplay}\" />", csproj, StringComparison.Ordinal);
        Assert.DoesNotContain("ProjectReference", csproj, StringComparison.Ordinal);
        Assert.Equal(4, csproj.Trim().Split('\n').Length);
        Assert.False(sdk.PluginProjectDirectory.StartsWith(RepoPaths.Root, StringComparison.Ordinal));

        // The package set the project up as a plugin: the host's shared assemblies are compiled against, not shipped.
        Assert.True(File.Exists(Path.Combine(sdk.PluginOutput, PluginSdkFixture.PluginName + ".runtimeconfig.json")), "EnableDynamicLoading writes a runtimeconfig.json");
        foreach (var shared in new[] { "Exim.Abstractions.dll", "MimeKit.dll", "BouncyCastle.Cryptography.dll", "Microsoft.Extensions.Logging.Abstractions.dll" })
        {
            Assert.False(File.Exists(Path.Combine(sdk.PluginOutput, shared)), $"{shared} was copied into the plugin's output");
        }

        using var dir = new TempDirectory("exim-sdk-daemon");
        var assembly = PluginSdkFixture.Deploy(sdk.PluginOutput, dir.Combine("plugins", "acme"));
        await using var daemon = await TestDaemon.StartAsync(Config(assembly), dir);
        await using var client = await OpenAsync(daemon.Port);

        Assert.StartsWith("550 5.7.1 recipient refused by AcmePolicy", await client.CommandAsync("RCPT TO:<blocked-joe@test.example>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<joe@test.example>"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TemplatePlugin_SwappedForASecondVersionOnDisk_UnderLoad_FailsNoSession_AndTheOldOneIsCollected()
    {
        // The author's second version: another reply text, built the same way from the same project.
        var project = Path.Combine(sdk.Author, "v2", PluginSdkFixture.PluginName);
        DotnetCli.CopySources(sdk.PluginProjectDirectory, project);
        var policy = Path.Combine(project, "RecipientPrefixPolicy.cs");
        File.WriteAllText(policy, File.ReadAllText(policy).Replace("recipient refused by AcmePolicy", "recipient refused by AcmePolicy v2", StringComparison.Ordinal));
        await DotnetCli.RunAsync(sdk.Author, "build", Path.Combine(project, PluginSdkFixture.PluginName + ".csproj"), "-c", "Release");
        var v2 = Path.Combine(project, "bin", "Release", "net10.0", PluginSdkFixture.PluginName + ".dll");

        using var dir = new TempDirectory("exim-sdk-daemon");
        var assembly = PluginSdkFixture.Deploy(sdk.PluginOutput, dir.Combine("plugins", "acme"));
        await using var daemon = await TestDaemon.StartAsync(Config(assembly), dir);

        using var stop = new CancellationTokenSource(TestTimeouts.Startup * 2);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sawV2 = 0;
        var sessions = 0;
        async Task LoadAsync()
        {
            for (var i = 0; i < 5000 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await using var client = await OpenAsync(daemon.Port);
                    var refused = await client.CommandAsync("RCPT TO:<blocked-joe@test.example>");
                    if (refused.StartsWith("550 5.7.1 recipient refused by AcmePolicy v2", StringComparison.Ordinal)) Interlocked.Exchange(ref sawV2, 1);
                    else if (!refused.StartsWith("550 5.7.1 recipient refused by AcmePolicy", StringComparison.Ordinal)) failures.Enqueue("blocked RCPT: " + refused);
                    var accepted = await client.CommandAsync("RCPT TO:<joe@test.example>");
                    if (!accepted.StartsWith("250", StringComparison.Ordinal)) failures.Enqueue("RCPT: " + accepted);
                    var quit = await client.CommandAsync("QUIT");
                    if (!quit.StartsWith("221", StringComparison.Ordinal)) failures.Enqueue("QUIT: " + quit);
                    Interlocked.Increment(ref sessions);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Enqueue(e.GetType().Name + ": " + e.Message);
                }
            }
        }
        var load = Enumerable.Range(0, 4).Select(_ => Task.Run(LoadAsync)).ToArray();
        await Wait.UntilOrFailAsync(() => Volatile.Read(ref sessions) >= 20, TestTimeouts.Default, () => "20 sessions on the first version");

        // Deployed as operators do: the new file written beside the old one and renamed over it.
        File.Copy(v2, assembly + ".new", overwrite: true);
        File.Move(assembly + ".new", assembly, overwrite: true);

        await daemon.WaitForLogAsync("configuration reloaded (plugin file change): generation 1 -> 2");
        await Wait.UntilOrFailAsync(() => Volatile.Read(ref sawV2) == 1, TestTimeouts.Default, () => "a session answered by the second version");
        var afterSwap = Volatile.Read(ref sessions);
        await Wait.UntilOrFailAsync(() => Volatile.Read(ref sessions) >= afterSwap + 20, TestTimeouts.Default, () => "20 more sessions on the second version");
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(failures);
        await daemon.WaitForLogAsync("generation 1 collected");
    }

    [Fact]
    public async Task PluginBuiltAgainstAnotherMajorContract_IsRefusedNamingBothVersions_AndTheRunningGenerationKeepsServing()
    {
        // A real build against the previous major (Exim.Abstractions 1.0.0 when the host provides 2.x, as a plugin built
        // before the contract shrank): the contract's sources packed with that version, to a feed of its own, and the
        // template's plugin built against it.
        var other = $"{ContractVersion.Host.Major - 1}.0.0";
        var contract = sdk.Root.Combine("contract-other");
        var feed = sdk.Root.Combine("feed-other");
        Directory.CreateDirectory(feed);
        DotnetCli.CopyContractSources(contract);
        DotnetCli.WriteNuGetConfig(contract, feed);
        await DotnetCli.RunAsync(contract, "pack", "src/Abstractions/Exim.Abstractions.csproj", "-c", "Release", $"-p:EximContractVersion={other}", "-o", feed);

        var author = sdk.Root.Combine("author-other");
        var project = Path.Combine(author, PluginSdkFixture.PluginName);
        DotnetCli.CopySources(sdk.PluginProjectDirectory, project);
        DotnetCli.WriteNuGetConfig(author, feed);
        var csproj = Path.Combine(project, PluginSdkFixture.PluginName + ".csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace($"Version=\"{ContractVersion.HostDisplay}\"", $"Version=\"{other}\"", StringComparison.Ordinal));
        await DotnetCli.RunAsync(author, "build", csproj, "-c", "Release");
        var incompatible = Path.Combine(project, "bin", "Release", "net10.0", PluginSdkFixture.PluginName + ".dll");
        Assert.Equal(new Version(ContractVersion.Host.Major - 1, 0), ContractVersion.ReferencedBy(incompatible));

        using var dir = new TempDirectory("exim-sdk-daemon");
        var assembly = PluginSdkFixture.Deploy(sdk.PluginOutput, dir.Combine("plugins", "acme"));
        await using var daemon = await TestDaemon.StartAsync(Config(assembly), dir);

        File.Copy(incompatible, assembly, overwrite: true);

        await daemon.WaitForLogAsync("reload (plugin file change) rejected with 1 error(s): generation 1 stays in force");
        var host = $"{ContractVersion.Host.Major}.{ContractVersion.Host.Minor}";
        await daemon.WaitForPanicLogAsync(
            $"plugin \"acme\": {assembly} was built against Exim.Abstractions {ContractVersion.Host.Major - 1}.0 but this host provides {host} (compatible: {ContractVersion.Host.Major}.0–{host})");
        await using var client = await OpenAsync(daemon.Port);
        Assert.StartsWith("550 5.7.1 recipient refused by AcmePolicy", await client.CommandAsync("RCPT TO:<blocked-joe@test.example>"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Issue 13's "done means" for drivers: the author's router and transport drivers (<see cref="OutsiderDrivers"/>),
    /// built against the package only outside the repository, route and deliver mail in a real daemon.
    /// </summary>
    [Fact]
    public async Task ARouterAndATransport_BuiltAgainstThePackageOnly_RouteAndDeliverInTheDaemon()
    {
        var project = Path.Combine(sdk.Author, "drivers", PluginSdkFixture.PluginName);
        DotnetCli.CopySources(sdk.PluginProjectDirectory, project);
        foreach (var source in Directory.GetFiles(project, "*.cs")) File.Delete(source);
        File.WriteAllText(Path.Combine(project, "Drivers.cs"), OutsiderDrivers.Source);
        await DotnetCli.RunAsync(project, "build", "-c", "Release");
        Assert.False(project.StartsWith(RepoPaths.Root, StringComparison.Ordinal));

        using var dir = new TempDirectory("exim-sdk-drivers");
        var assembly = PluginSdkFixture.Deploy(Path.Combine(project, "bin", "Release", "net10.0"), dir.Combine("plugins", "acme"));
        await using var daemon = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("log_selector = \"+smtp_confirmation\"") + $"""

            [[routers]]
            name = "acme"
            driver = "acme_router"
            domains = ["test.example"]
            local_part_prefix = "acme-"
            transport = "acme_delivery"

            [[transports]]
            name = "acme_delivery"
            driver = "acme_files"
            directory = "delivered"
            return_path_add = false
            batch_max = 10

            [plugins.acme]
            assembly = "{assembly}"
            """, dir);
        var (client, _) = await SmtpTestClient.OpenAsync(daemon.Port);
        await using var _client = client;
        await client.CommandAsync("EHLO client.example");

        var reply = await client.SendMessageAsync("sender@client.example", ["acme-joe@test.example", "acme-ann@test.example"], "Subject: outsider\n\nhello\n");
        Assert.StartsWith("250", reply, StringComparison.Ordinal);
        var id = System.Text.RegularExpressions.Regex.Match(reply, @"id=(\S+)").Groups[1].Value;
        await daemon.WaitForLogAsync($"{id} Completed");

        var log = daemon.MainLog;
        Assert.Contains($"{id} => acme-joe <acme-joe@test.example> R=acme T=acme_delivery C=\"written by acme\"", log, StringComparison.Ordinal);
        Assert.Contains($"{id} -> acme-ann <acme-ann@test.example> R=acme T=acme_delivery C=\"written by acme\"", log, StringComparison.Ordinal);
        foreach (var user in (string[])["acme-joe", "acme-ann"])
        {
            var text = await File.ReadAllTextAsync(dir.Combine("delivered", $"{user}.{id}.eml"));
            Assert.Contains("Subject: outsider\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Return-path:", text, StringComparison.Ordinal); // the core's generic option switched it off
            Assert.Contains("\n\nhello\n", text, StringComparison.Ordinal);
        }
    }

    private static async Task<SmtpTestClient> OpenAsync(int port)
    {
        var (client, greeting) = await SmtpTestClient.OpenAsync(port);
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"), StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<sender@client.example>"), StringComparison.Ordinal);
        return client;
    }
}
