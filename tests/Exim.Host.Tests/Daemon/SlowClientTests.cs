using System.Diagnostics;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// Slowloris against a real <c>exim -bd</c>: clients that trickle a byte at a time hold every slot only until their
/// line's deadline (smtp_receive_timeout for the whole line), and then a normal client gets in.
/// </summary>
public sealed class SlowClientTests
{
    [Fact]
    public async Task TricklingClients_AreCutOff_AndAnotherClientGetsThrough()
    {
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("""
            smtp_accept_max = 2
            smtp_receive_timeout = "2s"
            """));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var slow = new[] { TrickleAsync(d.Port, stop.Token), TrickleAsync(d.Port, stop.Token) };
        await d.WaitForLogAsync("(TCP/IP connection count = 2)");

        // While the slow clients hold both slots the daemon refuses; within a few seconds of their deadline it accepts.
        var clock = Stopwatch.StartNew();
        string? greeting = null;
        while (greeting is null && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            var (c, reply) = await SmtpTestClient.OpenAsync(d.Port);
            await using var client = c;
            if (reply.StartsWith("220 ", StringComparison.Ordinal))
            {
                greeting = reply;
                await client.CommandAsync("EHLO fast.example");
                Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@b.example", "x@test.example", "Subject: through\n\nhello"), StringComparison.Ordinal);
                break;
            }
            await Task.Delay(200);
        }
        await stop.CancelAsync();

        Assert.NotNull(greeting);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(8));
        foreach (var reply in await Task.WhenAll(slow).WaitAsync(TestTimeouts.Default))
        {
            Assert.Equal("421 mx.test.example: SMTP command timeout - closing connection", reply);
        }
        Assert.Equal(2, d.CountLog("SMTP command timeout on connection from [127.0.0.2]"));
    }

    /// <summary>From 127.0.0.2, one byte every 300 ms of a line that never ends, until the server replies; its reply.</summary>
    private static async Task<string> TrickleAsync(int port, CancellationToken stop)
    {
        var (c, _) = await SmtpTestClient.OpenAsync(port, fromAddress: "127.0.0.2");
        await using var client = c;
        var reader = client.ReadReplyAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; !reader.IsCompleted && !stop.IsCancellationRequested; i++)
        {
            try
            {
                await client.SendRawAsync(i == 0 ? "E" : "x");
            }
            catch (System.Net.Sockets.SocketException)
            {
                break; // closed by the server; its reply is waiting in the reader
            }
            await Task.WhenAny(reader, Task.Delay(300, stop)).ConfigureAwait(false);
        }
        return await reader;
    }
}
