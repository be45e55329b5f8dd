using System.Diagnostics;
using Exim.Abstractions.Config;
using Exim.Abstractions.Routing;
using Exim.Abstractions.Transports;
using Exim.Plugins.Pipe;
using Exim.Host.Tests.Transports;
using Exim.TestKit;

namespace Exim.Host.Tests.Redirect;

/// <summary>The pipe transport created through its driver, running real commands.</summary>
public sealed class PipeTransportTests : IDisposable
{
    private readonly TempDirectory _dir = new("pipe");

    public void Dispose() => _dir.Dispose();

    private ITransport Create(params (string Key, object Value)[] options) => new PipeDriver().Create(TransportDefinitions.Of(_dir.Path, "address_pipe", options));

    private static async Task<RecipientOutcome> DeliverAsync(ITransport transport, string address, string sender = "sender@example.test", string body = "Hello.\n")
    {
        // A redirection's pipe item is a Pipe recipient; anything else is a mail address, even one that starts with a bar.
        var recipient = new DeliveryRecipient(address, "joe", "mx.test", "joe@mx.test", "system_aliases")
        {
            Kind = address.StartsWith('|') && !address.Contains("@smtp.test", StringComparison.Ordinal) ? RedirectItemKind.Pipe : RedirectItemKind.Address,
        };
        var result = await transport.DeliverAsync(new TransportRequest(new TestDeliveryMessage(sender, body), [recipient], []), CancellationToken.None)
            .AsTask().WaitAsync(TestTimeouts.Default);
        return Assert.Single(result.Recipients);
    }

    [Fact]
    public async Task ARecipientStartingWithABar_ThatIsNoPipeItem_DoesNotChooseTheCommand()
    {
        var marker = _dir.Combine("touched");
        var output = _dir.Combine("ran");
        var transport = Create(("command", $"/bin/sh -c \"cat > {output}\""), ("use_shell", false));

        var outcome = await DeliverAsync(transport, $"|/usr/bin/touch {marker}@smtp.test");

        Assert.Equal(RecipientOutcomeKind.Delivered, outcome.Kind);
        Assert.False(File.Exists(marker + "@smtp.test"), "the address chose the command");
        Assert.True(File.Exists(output), "the transport's own command ran");
    }

    [Fact]
    public async Task PipeAddress_MessageOnStdin_AfterTheFromLine()
    {
        var file = _dir.Combine("out");
        var transport = Create();

        var outcome = await DeliverAsync(transport, $"|/bin/sh -c 'cat > {file}'");

        Assert.Equal(RecipientOutcomeKind.Delivered, outcome.Kind);
        var text = File.ReadAllText(file);
        Assert.Matches(@"^From sender@example\.test [A-Z][a-z]{2} [A-Z][a-z]{2} [ 123]\d \d\d:\d\d:\d\d \d{4}\nSubject: pipe test\n", text);
        Assert.EndsWith("\n\nHello.\n\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bounce_FromMailerDaemon_PrefixAndSuffixOptions()
    {
        var file = _dir.Combine("out");

        await DeliverAsync(Create(("message_prefix", ""), ("message_suffix", "")), $"|/bin/sh -c 'cat > {file}'", sender: "");

        Assert.StartsWith("Subject: pipe test\n", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.StartsWith("From MAILER-DAEMON ", PipeTransport.FromLine("", DateTime.Now), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Environment_IsEximsAndNotTheDaemons()
    {
        var file = _dir.Combine("env");
        Environment.SetEnvironmentVariable("EXIM_TEST_LEAK", "leaked");

        await DeliverAsync(Create(("environment", "EXTRA=1")), $"|/bin/sh -c 'env > {file}'");

        var env = File.ReadAllLines(file).ToHashSet();
        Assert.Contains("LOCAL_PART=joe", env);
        Assert.Contains("DOMAIN=mx.test", env);
        Assert.Contains("RECIPIENT=joe@mx.test", env);
        Assert.Contains("SENDER=sender@example.test", env);
        Assert.Contains("MESSAGE_ID=1tEsTs-000001-AB", env);
        Assert.Contains("QUALIFY_DOMAIN=qualify.test", env);
        Assert.Contains("PATH=/bin:/usr/bin", env);
        Assert.Contains("EXTRA=1", env);
        Assert.DoesNotContain(env, l => l.StartsWith("EXIM_TEST_LEAK", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoShellByDefault_UseShellRunsShSyntax()
    {
        var file = _dir.Combine("out");
        var command = $"|echo hi > {file}";

        var direct = await DeliverAsync(Create(), command);
        Assert.Equal(RecipientOutcomeKind.Delivered, direct.Kind);
        Assert.False(File.Exists(file)); // echo printed "hi > file" as its arguments

        await DeliverAsync(Create(("use_shell", true)), command);
        Assert.Equal("hi\n", File.ReadAllText(file));
    }

    [Fact]
    public async Task Exit75_Defers_Exit1_FailsWithEximsMessage()
    {
        var deferred = await DeliverAsync(Create(), "|/bin/sh -c 'exit 75'");
        Assert.Equal(RecipientOutcomeKind.Deferred, deferred.Kind);
        Assert.Equal("Child process of address_pipe transport returned 75 (could mean temporary error) from command: /bin/sh -c \"exit 75\"", deferred.Message);

        var failed = await DeliverAsync(Create(), "|/bin/sh -c 'exit 1'");
        Assert.Equal(RecipientOutcomeKind.Failed, failed.Kind);
        Assert.Equal("Child process of address_pipe transport returned 1 from command: /bin/sh -c \"exit 1\"", failed.Message);

        var anyTemporary = await DeliverAsync(Create(("temp_errors", "*")), "|/bin/sh -c 'exit 1'");
        Assert.Equal(RecipientOutcomeKind.Deferred, anyTemporary.Kind);
    }

    [Fact]
    public async Task MissingCommands_FailAsExim()
    {
        var relative = await DeliverAsync(Create(), "|no-such-command-here arg");
        Assert.Equal(RecipientOutcomeKind.Failed, relative.Kind);
        Assert.Equal("\"no-such-command-here\" command not found for address_pipe transport", relative.Message);

        var empty = await DeliverAsync(Create(), "|'' arg");
        Assert.Equal("no command specified for address_pipe transport", empty.Message);

        var climbing = await DeliverAsync(Create(), "|../../bin/true");
        Assert.Equal(RecipientOutcomeKind.Failed, climbing.Kind);
        Assert.Equal("\"../../bin/true\" command for address_pipe transport is neither absolute nor a bare name", climbing.Message);

        var absolute = await DeliverAsync(Create(), "|/no/such/command");
        Assert.Equal(RecipientOutcomeKind.Failed, absolute.Kind);
        Assert.Equal("Child process of address_pipe transport returned 127 (could mean unable to exec or command does not exist) from command: /no/such/command", absolute.Message);
    }

    [Fact]
    public async Task CommandOption_ForAnOrdinaryAddress_RelativeNameFoundOnPath()
    {
        var file = _dir.Combine("out");
        var transport = Create(("command", $"sh -c \"cat > {file}\""));

        var outcome = await DeliverAsync(transport, "joe@mx.test");

        Assert.Equal(RecipientOutcomeKind.Delivered, outcome.Kind);
        Assert.Contains("Hello.", File.ReadAllText(file), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_KillsTheCommandAndWhatItStarted_AndFails()
    {
        var pidFile = _dir.Combine("pid");
        var watch = Stopwatch.StartNew();

        var outcome = await DeliverAsync(Create(("timeout", "1s")), $"|/bin/sh -c 'sleep 60 & echo $! > {pidFile}; wait'");

        Assert.Equal(RecipientOutcomeKind.Failed, outcome.Kind);
        Assert.Equal("pipe delivery process timed out", outcome.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
        var sleeper = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(await Wait.UntilAsync(() => !Directory.Exists($"/proc/{sleeper}") || File.ReadAllText($"/proc/{sleeper}/stat").Contains(") Z ", StringComparison.Ordinal), TestTimeouts.Default), "the background sleep survived");

        var deferred = await DeliverAsync(Create(("timeout", "1s"), ("timeout_defer", true)), "|/bin/sleep 60");
        Assert.Equal(RecipientOutcomeKind.Deferred, deferred.Kind);
    }

    [Fact]
    public async Task TooMuchOutput_KillsTheCommand()
    {
        var outcome = await DeliverAsync(Create(("max_output", "1K")), "|/usr/bin/yes");

        Assert.Equal(RecipientOutcomeKind.Failed, outcome.Kind);
        Assert.StartsWith("Child process of address_pipe transport returned 137 (could mean shell command ended by signal 9) from command: /usr/bin/yes (output exceeded max_output", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_BadTempErrors_IsRefused()
    {
        var e = Assert.Throws<EximConfigException>(() => Create(("temp_errors", "75:x")));
        Assert.Contains("invalid value for \"temp_errors\" in transports \"address_pipe\": must be a list of numbers or an asterisk", e.Message, StringComparison.Ordinal);
    }
}
