using System.Net;
using System.Net.Sockets;
using Exim.TestKit;

namespace Exim.Host.Tests.Resolution;

/// <summary>slow_lookup_log: a DNS lookup slower than that many milliseconds is logged in Exim's shape (host.c's log_long_lookup).</summary>
public sealed class SlowLookupLogTests(AddressTestFixture fixture) : IClassFixture<AddressTestFixture>
{
    private const string OneTryOfOneSecond = "dns_retrans = \"1s\"\ndns_retry = 0";

    [Fact]
    public async Task SlowLookup_IsLoggedWithTypeNameAndMilliseconds()
    {
        using var silent = SilentNameServer(out var nameServer); // every query times out after dns_retrans

        var (code, stdout, stderr) = await AddressTest.RunWithStderrAsync(nameServer, "slow_lookup_log = 200", "", ["x@slow.bt.test"], OneTryOfOneSecond);

        Assert.Equal(1, code);
        Assert.Equal("x@slow.bt.test cannot be resolved at this time: host lookup did not complete\n", stdout);
        Assert.Matches(@"^LOG: MAIN\n  Long MX lookup for 'slow\.bt\.test': (\d+) msec\n$", stderr);
        var msec = int.Parse(System.Text.RegularExpressions.Regex.Match(stderr, @"(\d+) msec").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(msec, 900, 60_000);
    }

    [Fact]
    public async Task FastLookups_AndTheOptionOff_LogNothing()
    {
        using var silent = SilentNameServer(out var nameServer);

        var (fastCode, _, fast) = await AddressTest.RunWithStderrAsync(fixture.Dns, "slow_lookup_log = 5000", "", ["x@alias.bt.test"]);
        var (offCode, _, off) = await AddressTest.RunWithStderrAsync(nameServer, "", "", ["x@slow.bt.test"], OneTryOfOneSecond);

        Assert.Equal((0, ""), (fastCode, fast));
        Assert.Equal((1, ""), (offCode, off));
    }

    [Fact]
    public async Task SlowReverseLookupOfAClient_IsLoggedToo()
    {
        using var silent = SilentNameServer(out var nameServer);
        using var dir = new TempDirectory();
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            primary_hostname = "mx.test.example"
            host_lookup = ["*"]
            slow_lookup_log = 200
            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["{nameServer}"]
            {OneTryOfOneSecond}
            """);

        var (code, _, stderr) = await EximProcess.RunWithInputAsync(dir.Path, "QUIT\r\n", "-C", config, "-bh", "127.0.0.1");

        Assert.Equal(0, code);
        Assert.Matches(@"(^|\n)LOG: Long PTR lookup for '1\.0\.0\.127\.in-addr\.arpa': \d{3,} msec\n", stderr); // Exim 4.96's -bh shows the same line
    }

    [Fact]
    public async Task SlowGethostbyname_IsLoggedAsExim()
    {
        // The system resolver is never asked in tests: a stand-in that answers localhost after 300 ms.
        var logger = new LinesLogger();
        var options = new Exim.Mail.Resolution.HostFindOptions { ByMx = false, Ipv4Only = true, SlowLookupLog = 100 };

        var found = await Exim.Mail.Resolution.HostFinderByName.FindAsync(new SlowResolver(), "localhost", options, CancellationToken.None, logger)
            .WaitAsync(TestTimeouts.Default);

        Assert.Equal(Exim.Mail.Resolution.HostFindStatus.Found, found.Status);
        Assert.Matches(@"^Long gethostbyname lookup for 'localhost': \d{3,} msec$", Assert.Single(logger.Lines));
    }

    private sealed class SlowResolver : Exim.Abstractions.Resolution.IAddressResolver
    {
        public async ValueTask<Exim.Abstractions.Resolution.AddressLookup> ResolveAsync(string name, AddressFamily family, CancellationToken cancellationToken)
        {
            await Task.Delay(300, cancellationToken);
            return new(Exim.Abstractions.Resolution.AddressLookupStatus.Found, name, [IPAddress.Loopback]);
        }
    }

    private sealed class LinesLogger : Microsoft.Extensions.Logging.ILogger
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception,
            Func<TState, Exception?, string> formatter)
        {
            lock (Lines) Lines.Add(formatter(state, exception));
        }
    }

    /// <summary>A UDP socket that takes queries and never answers.</summary>
    private static Socket SilentNameServer(out string nameServer)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        nameServer = $"127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
        return socket;
    }
}
