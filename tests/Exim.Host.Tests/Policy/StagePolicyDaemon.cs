using Exim.Host.Tests.Delivery;
using Exim.TestKit;

namespace Exim.Host.Tests.Policy;

/// <summary>
/// One real daemon shared by the stage tests: <see cref="StagePolicyScript"/> named for every stage, the test plugin's
/// stage policy first in [hooks] order, and local delivery into maildir/ (so a test can see what is delivered and what is
/// not). Tests tell their lines apart by the addresses they use.
/// </summary>
public sealed class StagePolicyDaemon : IAsyncLifetime
{
    public TestDaemon Daemon { get; private set; } = null!;

    public int Port => Daemon.Port;

    public static string Hooks(string order = "[\"test-policy\", \"script\"]", string timeout = "500ms") => $"""

        [hooks]
        helo = "scripts/policy.csx"
        mail = "scripts/policy.csx"
        rcpt = "scripts/policy.csx"
        predata = "scripts/policy.csx"
        data = "scripts/policy.csx"
        timeout = "{timeout}"
        order = {order}
        """;

    public static string TestPlugin => $"""

        [plugins.test]
        assembly = "{TestPluginFiles.V1}"
        stage_policy = "test-policy"
        """;

    public async Task InitializeAsync()
    {
        var dir = new TempDirectory("exim-stages");
        dir.Write("scripts/policy.csx", StagePolicyScript.Text);
        Daemon = await TestDaemon.StartAsync(TestDaemon.SmtpConfig(DeliveryFixture.LocalDelivery) + TestPlugin + Hooks(), dir);
    }

    public async Task DisposeAsync() => await Daemon.DisposeAsync();

    /// <summary>Opens a session that has said EHLO client.example.</summary>
    public async Task<SmtpTestClient> OpenAsync(string helo = "client.example")
    {
        var (client, greeting) = await SmtpTestClient.OpenAsync(Port);
        Assert.StartsWith("220 ", greeting, StringComparison.Ordinal);
        Assert.StartsWith("250", await client.CommandAsync("EHLO " + helo), StringComparison.Ordinal);
        return client;
    }

    /// <summary>The -H files in a queue's input directory (null: the default queue) whose envelope names <paramref name="recipient"/>.</summary>
    public string[] SpooledFor(string recipient, string? queue = null)
    {
        var input = queue is null ? Daemon.InputDirectory : Daemon.Directory.Combine("spool", queue, "input");
        if (!Directory.Exists(input)) return [];
        return [.. Directory.GetFiles(input, "*-H").Select(f => File.ReadAllText(f, System.Text.Encoding.Latin1)).Where(t => t.Contains("\n" + recipient + "\n", StringComparison.Ordinal))];
    }

    public string[] Delivered(string localPart) => DeliveryFixture.Delivered(Daemon, localPart);
}
