using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Host.Tests.Metrics;

/// <summary>
/// The daemon's metrics as Prometheus scrapes them: OpenTelemetry's Prometheus exporter on a loopback port of a real
/// daemon, after a known mix of accepted, refused and rejected connections and a received message.
/// </summary>
public sealed class PrometheusMetricsTests
{
    [Fact]
    public async Task Scrape_AfterAKnownMix_ShowsTheCounts()
    {
        var port = FreeTcpPort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($"""
            smtp_accept_max_per_host = 2
            metrics_prometheus_listen = "{port}"
            """, relayFromHosts: "[]"));
        await d.WaitForLogAsync($"metrics: Prometheus scrape endpoint on http://127.0.0.1:{port}/metrics");

        var (held, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using var heldClient = held;
        var (client, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (client)
        {
            var (refusedClient, refused) = await SmtpTestClient.OpenAsync(d.Port); // the third from this host
            await refusedClient.DisposeAsync();
            Assert.StartsWith("421", refused, StringComparison.Ordinal);

            await client.CommandAsync("EHLO client.test");
            Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@test.example", ["b@test.example"], "Subject: m\n\nbody"), StringComparison.Ordinal);
            await client.CommandAsync("MAIL FROM:<a@test.example>");
            Assert.StartsWith("550", await client.CommandAsync("RCPT TO:<x@elsewhere.example>"), StringComparison.Ordinal);
            await client.CommandAsync("QUIT");
        }
        await d.WaitForLogAsync("rejected RCPT <x@elsewhere.example>");
        var size = Regex.Match(d.MainLog, @" <= a@test\.example .* S=(\d+)").Groups[1].Value;

        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        var text = "";
        // Observable instruments are read at each scrape; the exporter caches a scrape for a moment, so ask until it shows them.
        await Wait.UntilOrFailAsync(async () =>
        {
            text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
            return Value(text, "exim_message_received_total") == "1";
        }, TestTimeouts.Default, () => text);

        Assert.Equal("1", Value(text, "exim_message_received_total"));
        Assert.Equal(size, Value(text, "exim_message_received_size_bytes_total"));
        Assert.Equal("2", Value(text, "exim_smtp_connection_accepted_total"));
        Assert.Equal("1", Value(text, "exim_smtp_connection_refused_total", "exim_refusal_reason=\"per_host\""));
        Assert.Equal("0", Value(text, "exim_smtp_connection_refused_total", "exim_refusal_reason=\"limit\""));
        Assert.Equal("1", Value(text, "exim_message_rejected_total", "exim_smtp_stage=\"rcpt\""));
        Assert.Equal("1", Value(text, "exim_smtp_session_active")); // the held connection
        Assert.Equal("1", Value(text, "exim_queue_size", "exim_queue=\"default\"")); // no routers: it stays queued
        Assert.Equal("1", Value(text, "exim_config_generation"));
    }

    [Fact]
    public async Task Config_NonLoopbackAddress_IsRefusedWithItsPosition_UnlessAllowed()
    {
        using var dir = new TempDirectory("exim-metrics");
        var config = dir.Write("exim.toml", TestDaemon.SmtpConfig("metrics_prometheus_listen = \"192.0.2.1:9465\""));
        var (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");
        Assert.NotEqual(0, code);
        Assert.Matches(@"exim\.toml:\d+:\d+: metrics_prometheus_listen: 192\.0\.2\.1:9465 is not a loopback address", stderr);

        dir.Write("exim.toml", TestDaemon.SmtpConfig("metrics_prometheus_listen = \"192.0.2.1:9465\"\nmetrics_prometheus_allow_remote = true"));
        (code, _, stderr) = await EximProcess.RunAsync(dir.Path, "-C", config, "-bV");
        Assert.True(code == 0, stderr);
    }

    [Fact]
    public async Task RealPrometheus_ScrapesTheDaemon_AndAnswersForItsCounters()
    {
        // Debian's Prometheus server (test.sh installs it), scraping every second and storing in a scratch directory.
        var port = FreeTcpPort();
        await using var d = await TestDaemon.StartAsync(TestDaemon.SmtpConfig($"metrics_prometheus_listen = \"{port}\""));
        await d.WaitForLogAsync($"metrics: Prometheus scrape endpoint on http://127.0.0.1:{port}/metrics");
        var (client, _) = await SmtpTestClient.OpenAsync(d.Port);
        await using (client)
        {
            await client.CommandAsync("EHLO client.test");
            Assert.StartsWith("250 OK id=", await client.SendMessageAsync("a@test.example", ["b@test.example"], "Subject: m\n\nbody"), StringComparison.Ordinal);
            await client.CommandAsync("QUIT");
        }

        using var dir = new TempDirectory("prometheus");
        var web = FreeTcpPort();
        var config = dir.Write("prometheus.yml", $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: exim
                static_configs:
                  - targets: ['127.0.0.1:{port}']
            """);
        using var prometheus = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("prometheus",
            ["--config.file=" + config, "--storage.tsdb.path=" + dir.Combine("data"), $"--web.listen-address=127.0.0.1:{web}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var log = new System.Text.StringBuilder();
        prometheus.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            async Task<string?> QueryAsync(string query)
            {
                try
                {
                    var json = await http.GetStringAsync(new Uri($"http://127.0.0.1:{web}/api/v1/query?query={Uri.EscapeDataString(query)}"));
                    using var answer = System.Text.Json.JsonDocument.Parse(json);
                    var result = answer.RootElement.GetProperty("data").GetProperty("result");
                    return result.GetArrayLength() == 0 ? null : result[0].GetProperty("value")[1].GetString();
                }
                catch (HttpRequestException)
                {
                    return null; // not listening yet
                }
            }
            await Wait.UntilOrFailAsync(async () => await QueryAsync("exim_message_received_total{job=\"exim\"}") == "1", TestTimeouts.Startup,
                () => { lock (log) return "Prometheus never had exim_message_received_total = 1\n" + log; });
            Assert.Equal("1", await QueryAsync("up{job=\"exim\"}"));
            Assert.Equal("1", await QueryAsync("exim_smtp_connection_accepted_total{job=\"exim\"}"));
            Assert.Equal("1", await QueryAsync("exim_config_generation{job=\"exim\"}"));
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }
    }

    /// <summary>The value of the series <paramref name="name"/> (with <paramref name="label"/> among its labels, if given).</summary>
    private static string? Value(string text, string name, string? label = null)
    {
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length <= name.Length || line[name.Length] is not ('{' or ' ')) continue;
            if (label is not null && !line.Contains(label, StringComparison.Ordinal)) continue;
            var value = line[(line.IndexOf('}', StringComparison.Ordinal) is var close and >= 0 ? close + 1 : name.Length)..].Trim().Split(' ')[0];
            return value;
        }
        return null;
    }

    private static int FreeTcpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
