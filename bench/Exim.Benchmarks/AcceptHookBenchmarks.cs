using System.Net;
using BenchmarkDotNet.Attributes;
using Exim.Abstractions.Config;
using Exim.Abstractions.Scripting;
using Exim.Host.Scripting;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Benchmarks;

/// <summary>
/// What the accept hook costs per connection (target: ≤ 2 µs for a trivial script): the compiled script called
/// through <see cref="AcceptHook"/>, with its budget timer and globals, against a plain C# lambda doing the same.
/// </summary>
[MemoryDiagnoser]
public class AcceptHookBenchmarks
{
    private readonly AcceptConnection _connection = new(IPAddress.Parse("192.0.2.1"), 40000, IPAddress.Loopback, 25, null, "1xVuPu-000001-AB");
    private readonly ConnectionCounts _counts = new(3, 1);
    private readonly Func<AcceptConnection, Verdict> _lambda = c => c.RemotePort == 0 ? Verdict.Reject("x") : Verdict.Accept;
    private TempDirectory? _dir;
    private AcceptHook? _trivial;
    private AcceptHook? _policy;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDirectory("exim-hook-bench");
        _trivial = Load("trivial.csx", "return Connection.RemotePort == 0 ? Verdict.Reject(\"x\") : Verdict.Accept;");
        _policy = Load("policy.csx", """
            var denied = new[] { "192.0.2.66", "198.51.100.7", "203.0.113.9" };
            var ip = Connection.RemoteAddress.ToString();
            foreach (var d in denied) if (d == ip) return Verdict.Reject("denied");
            var limit = ip.StartsWith("10.") || ip.StartsWith("127.") ? 50 : 5;
            if (Counts.FromHost > limit) return Verdict.Defer("too many connections");
            if (Connection.HostName is { } name && name.EndsWith(".dynamic.example")) return Verdict.Reject("dynamic");
            return Verdict.Accept;
            """);
    }

    [GlobalCleanup]
    public void Cleanup() => _dir?.Dispose();

    [Benchmark(Baseline = true)]
    public Verdict PlainLambda() => _lambda(_connection);

    [Benchmark]
    public Verdict TrivialScript() => Decide(_trivial!);

    [Benchmark]
    public Verdict PolicyScript() => Decide(_policy!);

    private Verdict Decide(AcceptHook hook)
    {
        var pending = hook.DecideAsync(_connection, _counts, CancellationToken.None);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private AcceptHook Load(string file, string text)
    {
        var path = _dir!.Write(file, text);
        var config = new EximConfig { SourcePath = _dir.Combine("exim.toml"), Revision = "bench", Main = new MainOptions { SpoolDirectory = _dir.Combine("spool") } };
        var errors = new List<ConfigDiagnostic>();
        var script = ScriptLoader.Load<Verdict>(ScriptKind.Accept, path, config, new ScriptCache(_dir.Combine("cache")), 1, NullLogger.Instance, errors)
            ?? throw new InvalidOperationException(string.Join("\n", errors));
        return new AcceptHook(script, TimeSpan.FromMilliseconds(100), new Host.Plugins.MainOptionsView(config), null, new Mail.Resolution.DnsLookupSettings(config.Main.DnsCnameLoops), NullLogger.Instance);
    }
}
