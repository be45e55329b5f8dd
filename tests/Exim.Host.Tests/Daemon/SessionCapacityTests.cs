using System.Text.Json;
using Exim.Host.Slots;
using Exim.TestKit;

namespace Exim.Host.Tests.Daemon;

/// <summary>
/// smtp_accept_max without Exim's 4096 clamp: the daemon holds as many sessions as its file descriptors allow
/// (RLIMIT_NOFILE, raised to the hard limit), and where they allow fewer than configured it says so (log, -bP, status)
/// and refuses beyond that with Exim's 421 rather than letting accept() fail with EMFILE.
/// </summary>
public sealed class SessionCapacityTests
{
    [Theory]
    [InlineData(20000, 20000, 18000)] // a tenth of the limit kept back
    [InlineData(20000, 1000, 744)]    // at least 256 kept back
    [InlineData(0, 65536, 58983)]     // "no limit" is what the descriptors allow
    [InlineData(0, 200, 50)]          // a tiny limit keeps a quarter for sessions
    [InlineData(20000, 1048576, 20000)]
    [InlineData(20, 1024, 20)]
    public void For_CutsSmtpAcceptMaxToWhatTheDescriptorsAllow(int configured, long limit, int effective)
    {
        var capacity = SessionCapacity.For(configured, limit);

        Assert.Equal(effective, capacity.Effective);
        Assert.Equal(configured, capacity.Configured);
        Assert.Equal(effective != configured, capacity.IsCut);
    }

    [Fact]
    public void For_UnknownLimit_KeepsTheConfiguredValue()
        => Assert.False(SessionCapacity.For(20000, null).IsCut);

    [Fact]
    public void Describe_NamesTheOptionTheConfiguredAndEffectiveValuesAndTheLimit()
        => Assert.Equal("smtp_accept_max = 20000 is more than the file descriptors allow: at most 18000 SMTP sessions at once "
            + "(RLIMIT_NOFILE 20000, of which 2000 kept for listeners, files and deliveries)", SessionCapacity.For(20000, 20000).Describe());

    [Fact]
    public async Task DescriptorsAllowFewer_DaemonLogsTheLimitThatApplies_BpAndStatusSayIt_AndTheNextConnectionGets421()
    {
        const string Line = "smtp_accept_max = 20000 is more than the file descriptors allow: at most 744 SMTP sessions at once (RLIMIT_NOFILE 1000";
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max = 20000"), null, fileLimit: 1000);
        await d.WaitForLogAsync(Line);

        // -bP prints the value as configured, and stderr the limit a daemon would apply under the same limits.
        await using (var bp = EximProcess.Start(d.Directory.Path, 1000, "-C", d.ConfigPath, "-bP", "smtp_accept_max"))
        {
            Assert.Equal(0, await bp.WaitForExitAsync(TestTimeouts.Default));
            Assert.Equal("smtp_accept_max = 20000", bp.Stdout.Trim());
            Assert.Contains("exim: " + Line, bp.Stderr, StringComparison.Ordinal);
        }

        var (code, stdout, stderr) = await EximProcess.RunAsync(d.Directory.Path, ["-C", d.ConfigPath, "--control", "status"]);
        Assert.True(code == 0, $"exit {code}: {stderr}");
        using (var status = JsonDocument.Parse(stdout))
        {
            var limit = status.RootElement.GetProperty("smtp_accept_max");
            Assert.Equal(20000, limit.GetProperty("configured").GetInt32());
            Assert.Equal(744, limit.GetProperty("effective").GetInt32());
            Assert.Equal(1000, limit.GetProperty("rlimit_nofile").GetInt64());
        }

        // The cut limit is the one enforced: 744 sessions, then Exim's 421 (not EMFILE and a silent backlog).
        var clients = new List<SmtpTestClient>();
        try
        {
            for (var i = 0; i < 744; i++)
            {
                var (client, greeting) = await SmtpTestClient.OpenAsync(d.Port);
                clients.Add(client);
                Assert.True(greeting.StartsWith("220 ", StringComparison.Ordinal), $"session {i + 1}: {greeting}");
            }
            var (refused, reply) = await SmtpTestClient.OpenAsync(d.Port);
            clients.Add(refused);
            Assert.Equal("421 Too many concurrent SMTP connections; please try again later.", reply);
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
        Assert.DoesNotContain("accept() failure", d.MainLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoreThan4096Sessions_AreAllGreeted_WhenTheDescriptorsAllow()
    {
        const int Sessions = 4200;
        Assert.Null(SessionCapacity.RaiseDescriptorLimit()); // this test process holds one descriptor per client
        Assert.True(Exim.Mail.Native.Posix.TryGetDescriptorLimit(out var soft, out _) && soft >= Sessions + 500,
            $"RLIMIT_NOFILE's hard limit must allow {Sessions + 500} descriptors for this test (it is {soft}): raise it (ulimit -Hn)");
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig("smtp_accept_max = 20000\nsmtp_connect_backlog = 1024"), null, fileLimit: 10000);
        var clients = new List<SmtpTestClient>(Sessions);
        try
        {
            for (var i = 0; i < Sessions; i++)
            {
                var (client, greeting) = await SmtpTestClient.OpenAsync(d.Port);
                clients.Add(client);
                Assert.True(greeting.StartsWith("220 ", StringComparison.Ordinal), $"session {i + 1}: {greeting}");
            }
            // All of them are live sessions, not connections waiting in the backlog.
            Assert.Equal("250 Reset OK", await clients[^1].CommandAsync("RSET"));
            Assert.Equal("250 Reset OK", await clients[0].CommandAsync("RSET"));
        }
        finally
        {
            foreach (var c in clients) await c.DisposeAsync();
        }
    }
}
