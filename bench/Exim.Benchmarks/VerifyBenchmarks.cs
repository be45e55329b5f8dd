using System.Collections.Immutable;
using System.Net;
using BenchmarkDotNet.Attributes;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Resolution;
using Exim.Host.Configuration;
using Exim.Mail.Resolution;
using Exim.Mail.Routing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Benchmarks;

/// <summary>
/// One Verify.Recipient per RCPT: a local user checked against a local_parts file of 10,000 names (known and unknown), and
/// a remote domain routed by dnslookup with its MX and address records in the host cache (the DNS cost of a warm daemon).
/// </summary>
[MemoryDiagnoser]
public class VerifyBenchmarks
{
    private string _directory = "";
    private AddressVerifier _verifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"exim-verify-bench-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
        var users = Path.Combine(_directory, "users");
        File.WriteAllLines(users, Enumerable.Range(0, 10_000).Select(i => $"user{i}"));
        var parsed = TomlConfigLoader.Parse($"""
            primary_hostname = "mx.bench.example"
            local_domains = ["bench.example"]
            [[transports]]
            name = "remote_smtp"
            driver = "smtp"
            [[transports]]
            name = "local_delivery"
            driver = "maildir"
            directory = "/tmp/$local_part"
            [[routers]]
            name = "dnslookup"
            driver = "dnslookup"
            domains = "! +local_domains"
            transport = "remote_smtp"
            more = false
            [[routers]]
            name = "localuser"
            driver = "accept"
            domains = "+local_domains"
            local_parts = ["postmaster", "{users}"]
            transport = "local_delivery"
            cannot_route_message = "Unknown user"
            """, Path.Combine(_directory, "exim.toml"));
        if (!parsed.Succeeded) throw new InvalidOperationException(string.Join("\n", parsed.Errors));
        var config = parsed.Config.Config;
        var dns = new CachingDnsResolver(new HostCache(TimeProvider.System), new FixedZone());
        _verifier = new AddressVerifier(Exim.Host.Generations.RouterBuilder.Standalone(parsed.Config!, new Exim.Mail.Routing.Drivers.RouterHostServices(config.Main, dns, null, new HashSet<IPAddress>(), new Random(1))), config.Main, NullLogger.Instance);
        if (Remote() != VerifyStatus.Deliverable || KnownUser() != VerifyStatus.Deliverable || UnknownUser() != VerifyStatus.Undeliverable)
        {
            throw new InvalidOperationException("the benchmark's addresses do not verify as expected");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_directory, recursive: true);

    [Benchmark]
    public VerifyStatus KnownUser() => Verify("user9999@bench.example");

    [Benchmark]
    public VerifyStatus UnknownUser() => Verify("nobody@bench.example");

    [Benchmark]
    public VerifyStatus Remote() => Verify("someone@remote.example");

    private VerifyStatus Verify(string address) => _verifier.VerifyRecipientAsync(address, CancellationToken.None).GetAwaiter().GetResult().Status;

    /// <summary>remote.example: one MX with an address; anything else does not exist. Long TTLs, so every benchmark lookup is a cache hit.</summary>
    private sealed class FixedZone : IDnsRecordResolver
    {
        private static readonly TimeSpan Ttl = TimeSpan.FromDays(1);

        public ValueTask<DnsAnswer> QueryAsync(DnsQuestion question, CancellationToken cancellationToken)
            => ValueTask.FromResult((question.Name, question.Type) switch
            {
                ("remote.example", DnsRecordType.Mx) => Answer(new MxRecord("remote.example", Ttl, 10, "mx.remote.example")),
                ("mx.remote.example", DnsRecordType.A) => Answer(new AddressRecord("mx.remote.example", Ttl, IPAddress.Parse("192.0.2.25"))),
                _ => DnsAnswer.Empty(DnsStatus.NoData, Ttl),
            });

        private static DnsAnswer Answer(DnsRecord record) => new(DnsStatus.Succeed, ImmutableArray.Create(record), false, null);
    }
}
