using Exim.Host.Tests.Scripting;
using Exim.TestKit;

namespace Exim.Host.Tests.Generations;

/// <summary>SIGHUP after SIGHUP while clients keep the daemon busy: every session on every generation ends properly.</summary>
public sealed class ReloadStormTests
{
    [Fact]
    public async Task ThousandSighupsAtTwentyPerSecond_UnderFourBusyClients_NoClientError()
    {
        await using var d = await HookDaemon.StartAsync("return Connection.RemotePort == 0 ? Verdict.Reject(\"never\") : Verdict.Accept;",
            mainOptions: "queue_only = true", timeout: "2s");
        using var stop = new CancellationTokenSource();
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var sessions = new int[4];
        var clients = Enumerable.Range(0, 4).Select(c => Task.Run(async () =>
        {
            for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
            {
                try
                {
                    await using var client = await SmtpTestClient.ConnectAsync(d.Port);
                    var banner = await client.ReadReplyAsync();
                    if (!banner.StartsWith("220 ", StringComparison.Ordinal)) { errors.Enqueue($"banner: '{banner}'"); continue; }
                    var ehlo = await client.CommandAsync("EHLO client.test");
                    if (!ehlo.StartsWith("250", StringComparison.Ordinal)) { errors.Enqueue($"EHLO: '{ehlo}'"); continue; }
                    var sent = await client.SendMessageAsync("a@client.test", "user@test.example", $"Subject: {c}/{i}\n\nbody");
                    if (!sent.StartsWith("250 OK id=", StringComparison.Ordinal)) { errors.Enqueue($"message: '{sent}'"); continue; }
                    var quit = await client.CommandAsync("QUIT");
                    if (!quit.StartsWith("221 ", StringComparison.Ordinal)) { errors.Enqueue($"QUIT: '{quit}'"); continue; }
                    sessions[c]++;
                }
                catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
                {
                    errors.Enqueue($"{e.GetType().Name}: {e.Message}");
                }
            }
        })).ToList();

        for (var i = 0; i < 1000; i++)
        {
            d.Process.Signal(Signals.SIGHUP);
            await Task.Delay(50);
        }
        // The last signal's reload is in force once its generation has started.
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(clients).WaitAsync(TestTimeouts.Default);

        Assert.True(errors.IsEmpty, $"{errors.Count} client error(s), e.g.:\n" + string.Join('\n', errors.Take(10)));
        Assert.All(sessions, n => Assert.True(n > 20, $"sessions per client: {string.Join(", ", sessions)}"));
        // The kernel merges a SIGHUP that arrives while one is pending, and coalescing folds those during a reload, so
        // there are fewer reloads than signals; but there were reloads all along.
        Assert.True(d.CountLog("configuration reloaded (SIGHUP)") >= 50, d.CountLog("configuration reloaded (SIGHUP)") + " reloads");
        Assert.Equal("", d.PanicLog); // no "session X failed", no hook failure

        // And the daemon still follows its files: the next change is in force after the next signal.
        await File.WriteAllTextAsync(d.Directory.Combine("scripts", "accept.csx"), "return Verdict.Reject(\"after the storm\");");
        d.Process.Signal(Signals.SIGHUP);
        await Wait.UntilOrFailAsync(async () => await HookDaemon.GreetingAsync(d, "127.0.0.1") == "554 after the storm", TestTimeouts.Default, () => d.MainLog);
        Assert.Equal(0, await d.StopAsync());
    }
}
