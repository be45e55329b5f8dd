using System.Net;
using BenchmarkDotNet.Attributes;
using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Host.Scripting;
using Exim.Mail.Resolution;
using Exim.Mail.Smtp;
using Exim.Mail.Smtp.Admission;
using Exim.Mail.Smtp.Policy;
using Exim.Mail.Smtp.Transport;
using Exim.TestKit;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exim.Benchmarks;

/// <summary>
/// What one stage hook costs per invocation, for each stage: a trivial compiled script reading the stage's own data,
/// called as the session calls it (<see cref="PolicySession.DecideAsync"/>: the stage's data, the script's globals, its
/// budget timer, the verdict), against a plain C# lambda deciding on the same data.
/// </summary>
[MemoryDiagnoser]
public class StageHookBenchmarks
{
    private const string Script = """
        switch (Stage)
        {
            case SmtpStage.Helo: return Helo.Length == 0 ? Verdict.Reject("x") : Verdict.Accept;
            case SmtpStage.Mail: return Sender.EndsWith(".invalid") ? Verdict.Reject("x") : Verdict.Accept;
            case SmtpStage.Rcpt: return Recipient.StartsWith("nobody@") ? Verdict.Reject("x") : Verdict.Accept;
            case SmtpStage.Predata: return Recipients.Count > 100 ? Verdict.Reject("x") : Verdict.Accept;
            default: return Message.Size > 50_000_000 ? Verdict.Reject("x") : Verdict.Accept;
        }
        """;

    private TempDirectory? _dir;
    private PolicySession? _script;
    private StageMessage? _message;
    private Func<SmtpStage, Verdict>? _lambda;
    private const string Recipient = "carol@bench.example";

    [Params(SmtpStage.Helo, SmtpStage.Mail, SmtpStage.Rcpt, SmtpStage.Predata, SmtpStage.Data)]
    public SmtpStage Stage { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDirectory("exim-stage-bench");
        var path = _dir.Write("stage.csx", Script);
        var config = new EximConfig { SourcePath = _dir.Combine("exim.toml"), Revision = "bench", Main = new MainOptions { SpoolDirectory = _dir.Combine("spool") } };
        var errors = new List<ConfigDiagnostic>();
        var compiled = ScriptLoader.Load<Verdict>(ScriptKind.Stage, path, config, new ScriptCache(_dir.Combine("cache")), 1, NullLogger.Instance, errors)
            ?? throw new InvalidOperationException(string.Join("\n", errors));
        var policy = new ScriptStagePolicy(compiled, new StagePolicy.Setup(new Host.Plugins.MainOptionsView(config), TimeSpan.FromMilliseconds(100), null, new DnsLookupSettings(config.Main.DnsCnameLoops), NullLogger.Instance));
        _script = Session(new OnePolicy(policy));
        _lambda = s => s switch
        {
            SmtpStage.Helo => _script.Helo!.Length == 0 ? Verdict.Reject("x") : Verdict.Accept,
            SmtpStage.Mail => _script.Sender!.EndsWith(".invalid", StringComparison.Ordinal) ? Verdict.Reject("x") : Verdict.Accept,
            SmtpStage.Rcpt => Recipient.StartsWith("nobody@", StringComparison.Ordinal) ? Verdict.Reject("x") : Verdict.Accept,
            SmtpStage.Predata => _script.Recipients.Count > 100 ? Verdict.Reject("x") : Verdict.Accept,
            _ => _message!.Size > 50_000_000 ? Verdict.Reject("x") : Verdict.Accept,
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _dir?.Dispose();

    [Benchmark(Baseline = true)]
    public Verdict PlainLambda() => _lambda!(Stage);

    [Benchmark]
    public Verdict TrivialScript()
    {
        var pending = _script!.DecideAsync(Stage, Stage == SmtpStage.Rcpt ? Recipient : null, Stage == SmtpStage.Data ? _message : null);
        return pending.IsCompletedSuccessfully ? pending.Result : pending.AsTask().GetAwaiter().GetResult();
    }

    private PolicySession Session(IStagePolicies policies)
    {
        var main = new MainOptions { PrimaryHostname = "bench.example" };
        var connection = new ConnectionContext(new NoTransport(), new IPEndPoint(IPAddress.Parse("192.0.2.1"), 40000), new IPEndPoint(IPAddress.Loopback, 25),
            new SmtpSettings(main, "4.96"), new NoSlots(), new NoLoad(), null, NullLogger.Instance, CancellationToken.None);
        _message = new SpoolStageMessage("1xVuPu-000001-AB", _dir!.Combine("none-D"), ["Subject: bench\n"], 1100, 13);
        return new PolicySession(connection, new PolicyServices(policies)) { Transaction = new Transaction() };
    }

    private sealed class Transaction : ITransactionView
    {
        public string? Helo => "client.example";
        public string? Sender => "alice@client.example";
        public IReadOnlyList<string> Recipients { get; } = ["bob@bench.example"];
        public long DeclaredSize => -1;
    }

    private sealed class OnePolicy(StagePolicy policy) : IStagePolicies
    {
        public bool Handles(SmtpStage stage) => true;

        public ValueTask<Verdict> DecideAsync(PolicySession session) => policy.DecideAsync(session);
    }

    private sealed class NoTransport : ISmtpTransport
    {
        public bool DataAvailable => false;
        public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken) => new(0);
        public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        public void Shutdown() { }
        public void Dispose() { }
    }

    private sealed class NoSlots : ISlotTable
    {
        public int Count => 0;
        public int CountFor(IPAddress client) => 0;
        public ISlotHandle Open(IPAddress client) => throw new NotSupportedException();
        public IReadOnlyCollection<SessionSlot> Snapshot() => [];
    }

    private sealed class NoLoad : ISystemLoad
    {
        public int LoadAverage => -1;
    }
}
