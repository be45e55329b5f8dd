using Exim.TestKit;

namespace Exim.Host.Tests.Delivery;

public sealed partial class QueueRunnerTests
{
    /// <summary>
    /// A queue run carries its messages for one host over one connection, straight from one transaction to the next as
    /// Exim does after a successful transfer (smtp.c's send_rset): no RSET round trip before each message.
    /// </summary>
    [Fact]
    public async Task ReusedConnection_AfterASuccessfulTransaction_GoesStraightToTheNextMail()
    {
        var sink = new ScriptedSmtpServer(ScriptedSmtpServer.Answers());
        await using (sink)
        {
            await using var d = await TestDaemon.StartAsync(Config("queue_run_parallel = 1", sink.Port));
            foreach (var to in new[] { "a@stall.example", "b@stall.example", "c@stall.example" }) Assert.Equal(0, (await SendAsync(d, to)).Item1);

            var (code, output, errors) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-qf");

            Assert.True(code == 0, output + errors + d.MainLog);
            Assert.Equal(3, d.CountLog(" Completed"));
            Assert.Equal(1, sink.Connections);
            Assert.Equal(3, sink.Commands.Count(c => c.StartsWith("MAIL FROM:", StringComparison.Ordinal)));
            Assert.DoesNotContain("RSET", sink.Commands);
        }
    }

    /// <summary>
    /// What the server sent while the connection waited in the pool (here a 421 right after the first message's 250) means
    /// it is not reused: the next message goes over a new connection, and is delivered.
    /// </summary>
    [Fact]
    public async Task PooledConnection_TheServerSpokeWhileIdle_IsNotReused()
    {
        var answers = ScriptedSmtpServer.Answers();
        var ends = 0;
        var sink = new ScriptedSmtpServer(command => command == "." && Interlocked.Increment(ref ends) == 1
            ? "250 OK id=first\r\n421 4.3.2 going away"
            : answers(command));
        await using (sink)
        {
            await using var d = await TestDaemon.StartAsync(Config("queue_run_parallel = 1", sink.Port));
            foreach (var to in new[] { "a@stall.example", "b@stall.example" }) Assert.Equal(0, (await SendAsync(d, to)).Item1);

            var (code, output, errors) = await EximProcess.RunAsync(d.Directory.Path, "-C", d.ConfigPath, "-qf");

            Assert.True(code == 0, output + errors + d.MainLog);
            Assert.Equal(2, d.CountLog(" Completed"));
            Assert.Equal(2, sink.Connections);
        }
    }
}
