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
