using Exim.TestKit;

namespace Exim.Host.Tests.Policy;

/// <summary>
/// <c>[hooks] order</c>: checked against the plugins' stage policies when the generation is built (errors with their
/// position, as every configuration error), and followed at each stage (shown with <c>exim -bh</c>, the daemon's own chain).
/// </summary>
public sealed class PolicyOrderTests
{
    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(string hooks, string input, params string[] args)
    {
        using var dir = new TempDirectory("exim-policy-order");
        dir.Write("scripts/policy.csx", StagePolicyScript.Text);
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig() + StagePolicyDaemon.TestPlugin + hooks);
        return await EximProcess.RunWithInputAsync(dir.Path, input, ["-C", config, .. args]);
    }

    [Fact]
    public async Task AnOrderNamingAnUnknownPolicy_IsAConfigurationError_AtItsPosition()
    {
        var (code, _, stderr) = await RunAsync(StagePolicyDaemon.Hooks("[\"script\", \"spf\"]"), "", "-bV");

        Assert.Equal(1, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: invalid value for ""order"" in \[hooks\]: no plugin registers a stage policy ""spf"" \(the names are ""script"" and the plugins' IStagePolicy keys: test-policy\)", stderr);
        Assert.Contains("plugin \"test\" registers the stage policy \"test-policy\", which [hooks] order does not name", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckingTheConfiguration_ListsEachStagesScript_AndTheOrder()
    {
        var (code, stdout, stderr) = await RunAsync(StagePolicyDaemon.Hooks(), "", "-bV");

        Assert.True(code == 0, stderr);
        foreach (var stage in new[] { "helo", "mail", "rcpt", "predata", "data" })
        {
            Assert.Contains($"Hook {stage}: scripts/policy.csx (", stdout, StringComparison.Ordinal);
        }
        Assert.Contains("Policy order: test-policy, script", stdout, StringComparison.Ordinal);
        Assert.Contains("IStagePolicy \"test-policy\"", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void OneFileForSeveralStages_IsCompiledAndLoadedOnce()
    {
        using var dir = new TempDirectory("exim-policy-once");
        var path = dir.Write("scripts/policy.csx", StagePolicyScript.Text);
        var config = new Abstractions.Config.EximConfig
        {
            SourcePath = dir.Combine("exim.toml"),
            Revision = "test",
            Main = new Abstractions.Config.MainOptions { SpoolDirectory = dir.Combine("spool") },
            Hooks = new Abstractions.Config.HooksConfig { Helo = path, Mail = path, Rcpt = path, Predata = path, Data = path },
        };
        var errors = new List<Abstractions.Config.ConfigDiagnostic>();

        var hooks = Host.Scripting.HookSetBuilder.Build(config, 1, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, errors);

        Assert.Empty(errors);
        Assert.Equal(5, hooks.Stages.Count);
        Assert.Single(hooks.Stages.Values.Distinct());
        Assert.Single(hooks.Unload());
    }

    [Fact]
    public async Task AnOrderWithoutTheScripts_WhileScriptsAreConfigured_IsRefusedAtLoad()
    {
        var (code, _, stderr) = await RunAsync(StagePolicyDaemon.Hooks("[\"test-policy\"]"), "", "-bV");

        Assert.Equal(1, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: invalid value for ""order"" in \[hooks\]: scripts are configured but ""script"" is not in the order", stderr);
    }

    [Theory]
    [InlineData("[\"test-policy\", \"script\"]", "550 5.7.1 refused by the test plugin at Rcpt")]
    [InlineData("[\"script\", \"test-policy\"]", "550 refused by the script")]
    public async Task TheFirstRefusalInTheOrder_Answers(string order, string expected)
    {
        var (code, stdout, stderr) = await RunAsync(StagePolicyDaemon.Hooks(order),
            "EHLO client.example\nMAIL FROM:<a@client.example>\nRCPT TO:<both-reject@test.example>\nQUIT\n", "-bh", "192.0.2.9");

        Assert.True(code == 0, stderr);
        Assert.Contains("\n" + expected + "\n", stdout, StringComparison.Ordinal);
        Assert.Contains("LOG: H=(client.example) [192.0.2.9] F=<a@client.example> rejected RCPT <both-reject@test.example>: ", stderr, StringComparison.Ordinal);
    }
}
