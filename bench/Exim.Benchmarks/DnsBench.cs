using System.Diagnostics;
using System.Globalization;
using System.Net;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Resolution;
using Exim.Host.Generations;
using Exim.Host.Lifetime;
using Exim.Mail.Resolution;
using Exim.TestKit;

namespace Exim.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project bench/Exim.Benchmarks -- dns [seconds]</c>: host resolution against a real NSD on
/// loopback (tests/zones/finder.test.zone): uncached MX + address resolution per lookup, compared with dig asking the
/// same questions in batch mode; then lookups/s with 64 concurrent lookups, uncached and through the host cache.
/// </summary>
internal static class DnsBench
{
    private static readonly string[] Domains = ["pref.finder.test", "dual.finder.test", "missing2.finder.test", "mxcname.finder.test", "implicit.finder.test"];

    public static async Task<int> RunAsync(int seconds)
    {
        await using var dns = await DnsServer.StartAsync(("finder.test", "finder.test.zone"), ("broken.test", null));
        using var dir = new TempDirectory("exim-dnsbench");
        var config = dir.Write("exim.toml", $"""
            spool_directory = "spool"
            [plugins.dns-resolver]
            assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
            nameservers = ["{dns.NameServer}"]
            """);
        await using var core = Core.Create(config, debug: false);
        if ((await core.Reloader.StartAsync()).Status != ReloadStatus.Published) throw new InvalidOperationException("config");
        if (!core.Store.Current.Strategies.TryGet<IDnsRecordResolver>(StrategyKeys.Dns, out var resolver)) throw new InvalidOperationException("no dns plugin");
        var options = new HostFindOptions();

        // Warm up (JIT, sockets).
        var finder = new HostFinder(resolver, new Random(1));
        for (var i = 0; i < 200; i++) await finder.FindByDnsAsync(Domains[i % Domains.Length], options, CancellationToken.None);

        var queries = 0;
        var counting = new CountingResolver(resolver);
        var countingFinder = new HostFinder(counting, new Random(1));
        const int serial = 2000;
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < serial; i++) await countingFinder.FindByDnsAsync(Domains[i % Domains.Length], options, CancellationToken.None);
        sw.Stop();
        queries = counting.Calls;
        var perLookupUs = sw.Elapsed.TotalMicroseconds / serial;
        var perQueryUs = sw.Elapsed.TotalMicroseconds / queries;
        Console.WriteLine($"uncached host_find_bydns, serial: {perLookupUs:F0} µs per lookup ({queries / (double)serial:F1} DNS queries each, {perQueryUs:F0} µs per query)");

        var digPerQueryUs = await DigAsync(dns, dir, counting.Questions);
        Console.WriteLine(digPerQueryUs is { } d ? $"dig -f with the same {counting.Questions.Count} distinct questions, repeated: {d:F0} µs per query" : "dig not installed (apt-get install bind9-dnsutils)");

        foreach (var (name, r) in new[] { ("uncached", resolver), ("cached", (IDnsRecordResolver)new CachingDnsResolver(new HostCache(TimeProvider.System), resolver)) })
        {
            long done = 0;
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
            var concurrentWatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, 64).Select(w => Task.Run(async () =>
            {
                var f = new HostFinder(r, new Random(w));
                for (var i = w; !stop.IsCancellationRequested; i++)
                {
                    await f.FindByDnsAsync(Domains[i % Domains.Length], options, CancellationToken.None);
                    Interlocked.Increment(ref done);
                }
            })));
            Console.WriteLine($"64 concurrent lookups, {name}: {done / concurrentWatch.Elapsed.TotalSeconds:N0} lookups/s");
        }
        await core.Store.ShutdownAsync(TimeSpan.FromSeconds(10));
        return 0;
    }

    /// <summary>Asks dig the same questions in batch mode (one process, many queries), so process start-up is amortised.</summary>
    private static async Task<double?> DigAsync(DnsServer dns, TempDirectory dir, IReadOnlyCollection<(string Name, DnsRecordType Type)> questions)
    {
        const int repeat = 400;
        var lines = Enumerable.Repeat(questions, repeat).SelectMany(q => q).Select(q => $"{q.Name} {q.Type.ToString().ToUpperInvariant()}").ToList();
        var batch = dir.Write("dig-batch.txt", string.Join("\n", lines) + "\n");
        var psi = new ProcessStartInfo("dig") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in new[] { $"@{dns.EndPoint.Address}", "-p", dns.EndPoint.Port.ToString(CultureInfo.InvariantCulture), "-f", batch, "+noall", "+answer", "+tries=1" }) psi.ArgumentList.Add(a);
        try
        {
            var sw = Stopwatch.StartNew();
            using var p = Process.Start(psi)!;
            await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            return sw.Elapsed.TotalMicroseconds / lines.Count;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed class CountingResolver(IDnsRecordResolver inner) : IDnsRecordResolver
    {
        private int _calls;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, DnsRecordType), byte> _questions = new();

        public int Calls => _calls;

        public IReadOnlyCollection<(string Name, DnsRecordType Type)> Questions => [.. _questions.Keys];

        public ValueTask<DnsAnswer> QueryAsync(DnsQuestion question, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            _questions.TryAdd((question.Name, question.Type), 0);
            return inner.QueryAsync(question, cancellationToken);
        }
    }
}
