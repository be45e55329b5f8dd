using System.Collections.Concurrent;
using Exim.Abstractions.Config;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Host.Tests.Smtp;
using Exim.Mail.Smtp.Policy;
using Exim.TestKit;

namespace Exim.Host.Tests.Policy;

/// <summary>
/// The helpers a stage can call, wired through the real session (in process, over a real socket): Verify over
/// <see cref="IAddressVerifier"/>, RateLimit over <see cref="IRateLimiter"/> with Exim's per-connection and per-message
/// counting kept in the session, ClientIn. The policy is a plain C# <see cref="IStagePolicy"/>, as a plugin's would be.
/// <para>
/// <see cref="RecordingLimiter"/> and <see cref="ListVerifier"/> are spies: what these tests pin is the session's side (which
/// requests reach the limiter and the verifier, with Exim's per-connection and per-message counting, and what the client
/// then sees). The real verifier over real routers and NSD, and the real limiter over the hints store across a daemon
/// restart, are exercised end to end by <c>Policy/ShippedScriptTests</c>.
/// </para>
/// </summary>
public sealed class StageHelperTests
{
    private static readonly MainOptions Main = new() { RelayFromHosts = ["127.0.0.1"] };

    [Fact]
    public async Task Verify_AsksTheVerifier_AndThePolicyAnswersWithItsResult()
    {
        var verifier = new ListVerifier();
        await using var s = await InProcessSession.StartAsync(Main, policies: Policies(async stage =>
        {
            if (stage.Stage == SmtpStage.Mail)
            {
                var sender = await stage.Verify.Sender();
                return sender.Status == VerifyStatus.Deliverable ? Verdict.Accept : Verdict.Reject("Sender verify failed");
            }
            if (stage.Stage != SmtpStage.Rcpt) return Verdict.Accept;
            var v = await stage.Verify.Recipient(stage.Recipient!);
            return v.Status switch
            {
                VerifyStatus.Undeliverable => Verdict.Reject(v.Message),
                VerifyStatus.Deferred => Verdict.Defer(v.Message),
                _ => Verdict.Accept,
            };
        }, verifier: verifier));

        await s.Client.CommandAsync("EHLO client.example");
        Assert.Equal("550 Sender verify failed", await s.Client.CommandAsync("MAIL FROM:<bad@nowhere.example>"));
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<good@client.example>"));
        Assert.Equal("550 Unknown user", await s.Client.CommandAsync("RCPT TO:<nobody@test.example>"));
        Assert.Equal("451 lookup of test.example timed out", await s.Client.CommandAsync("RCPT TO:<slow@test.example>"));
        Assert.Equal("250 Accepted", await s.Client.CommandAsync("RCPT TO:<bob@test.example>"));
        await s.Client.CommandAsync("QUIT");

        Assert.Equal(["sender bad@nowhere.example", "sender good@client.example", "recipient nobody@test.example", "recipient slow@test.example", "recipient bob@test.example"], verifier.Asked);
        Assert.True(s.Logged("H=(client.example) [127.0.0.1] F=<good@client.example> rejected RCPT <nobody@test.example>: Unknown user"));
        Assert.True(s.Logged("H=(client.example) [127.0.0.1] F=<good@client.example> temporarily rejected RCPT <slow@test.example>: lookup of test.example timed out"));
    }

    [Fact]
    public async Task RateLimit_PerConnection_CountsOncePerConnection_PerMailOncePerMessage_PerRecipientEachTime()
    {
        var limiter = new RecordingLimiter();
        await using var s = await InProcessSession.StartAsync(Main, policies: Policies(async stage =>
        {
            if (stage.Stage != SmtpStage.Rcpt) return Verdict.Accept;
            var conn = await stage.RateLimit("conn-key", 100, TimeSpan.FromHours(1), RateLimitUnit.PerConnection);
            var mail = await stage.RateLimit("mail-key", 100, TimeSpan.FromHours(1), RateLimitUnit.PerMail);
            var rcpt = await stage.RateLimit("rcpt-key", 4, TimeSpan.FromHours(1), RateLimitUnit.PerRecipient);
            return rcpt.Over ? Verdict.Defer($"rate {rcpt.Rate} over {rcpt.Limit}; conn {conn.Rate}, mail {mail.Rate}") : Verdict.Accept;
        }, limiter: limiter));

        await s.Client.CommandAsync("EHLO client.example");
        for (var message = 1; message <= 2; message++)
        {
            Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@client.example>"));
            Assert.Equal("250 Accepted", await s.Client.CommandAsync("RCPT TO:<one@test.example>"));
            Assert.Equal("250 Accepted", await s.Client.CommandAsync("RCPT TO:<two@test.example>"));
            Assert.Equal("250 Reset OK", await s.Client.CommandAsync("RSET"));
        }
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<a@client.example>"));
        // The limiter's fifth per_rcpt event puts the rate over 4 (it counts events, as a rate over a long period does).
        Assert.Equal("451 rate 5 over 4; conn 1, mail 3", await s.Client.CommandAsync("RCPT TO:<three@test.example>"));
        await s.Client.CommandAsync("QUIT");

        Assert.Equal(1, limiter.Count("conn-key", RateLimitUnit.PerConnection));
        Assert.Equal(3, limiter.Count("mail-key", RateLimitUnit.PerMail));
        Assert.Equal(5, limiter.Count("rcpt-key", RateLimitUnit.PerRecipient));
    }

    [Fact]
    public async Task RateLimit_UnitsThatCannotCountYet_AreReadOnly_AndPerRecipientCountsTheWholeListAtData()
    {
        var limiter = new RecordingLimiter();
        await using var s = await InProcessSession.StartAsync(Main, policies: Policies(async stage =>
        {
            switch (stage.Stage)
            {
                case SmtpStage.Helo:
                    await stage.RateLimit("helo-mail", 10, TimeSpan.FromMinutes(1)); // per_mail before MAIL: read only
                    break;
                case SmtpStage.Mail:
                    await stage.RateLimit("mail-rcpt", 10, TimeSpan.FromMinutes(1), RateLimitUnit.PerRecipient); // per_rcpt at MAIL: read only
                    await stage.RateLimit("mail-bytes", 10_000, TimeSpan.FromMinutes(1), RateLimitUnit.PerByte); // the SIZE= given
                    break;
                case SmtpStage.Data:
                    await stage.RateLimit("data-rcpt", 10, TimeSpan.FromMinutes(1), RateLimitUnit.PerRecipient); // all recipients at once
                    await stage.RateLimit("data-bytes", 10_000, TimeSpan.FromMinutes(1), RateLimitUnit.PerByte, count: 7); // an own count
                    await stage.RateLimit("read", 10, TimeSpan.FromMinutes(1), mode: RateLimitMode.ReadOnly);
                    break;
            }
            return Verdict.Accept;
        }, limiter: limiter));

        await s.Client.CommandAsync("EHLO client.example");
        Assert.StartsWith("250 OK id=", await s.Client.SendMessageAsync("a@client.example", ["one@test.example", "two@test.example", "three@test.example"], "Subject: x\r\n\r\nbody"), StringComparison.Ordinal);
        Assert.Equal("250 OK", await s.Client.CommandAsync("MAIL FROM:<b@client.example> SIZE=1234"));
        await s.Client.CommandAsync("QUIT");

        Assert.Equal([
            "helo-mail PerMail ReadOnly 0",
            "mail-rcpt PerRecipient ReadOnly 0",
            "mail-bytes PerByte Leaky 0",
            "data-rcpt PerRecipient Leaky 3",
            "data-bytes PerByte Leaky 7",
            "read PerMail ReadOnly 0",
            "mail-rcpt PerRecipient ReadOnly 0",
            "mail-bytes PerByte Leaky 1234",
        ], limiter.Requests);
    }

    [Fact]
    public async Task ClientIn_MatchesTheHostList_AndAConnectStagePluginPolicyRefusesBeforeTheBanner()
    {
        await using var s = await InProcessSession.StartAsync(Main, sendFirst: null, policies: Policies(async stage =>
        {
            if (stage.Stage == SmtpStage.Connect)
            {
                return await stage.ClientIn(stage.HostLists.Compile(["10.0.0.0/8"])) ? Verdict.Reject("not from there") : Verdict.Accept.InQueue("from-loopback");
            }
            return Verdict.Accept;
        }));

        Assert.StartsWith("220 ", s.Greeting, StringComparison.Ordinal);
        await s.Client.CommandAsync("EHLO client.example");
        var reply = await s.Client.SendMessageAsync("a@client.example", "b@test.example", "Subject: x\r\n\r\nbody");
        Assert.StartsWith("250 OK id=", reply, StringComparison.Ordinal);
        await s.Client.CommandAsync("QUIT");
        // The connect stage's queue holds for the connection's messages.
        Assert.True(s.Logged(" Q=from-loopback"));
    }

    /// <summary>One C# policy for every stage, as a plugin's <see cref="IStagePolicy"/> would be, wrapped as the generation's policies.</summary>
    private static PolicyServices Policies(Func<StageContext, ValueTask<Verdict>> decide, IAddressVerifier? verifier = null, IRateLimiter? limiter = null)
        => new(new LambdaPolicies(decide), verifier, limiter);

    private sealed class LambdaPolicies(Func<StageContext, ValueTask<Verdict>> decide) : IStagePolicies
    {
        private static readonly EximConfig Config = new() { SourcePath = "/dev/null", Revision = "test", Main = new MainOptions() };

        public bool Handles(SmtpStage stage) => true;

        public async ValueTask<Verdict> DecideAsync(PolicySession session)
        {
            using var budget = new CancellationTokenSource(TestTimeouts.Default);
            var verdict = await decide(new PolicyStageContext(session, new Host.Plugins.MainOptionsView(Config), new NoLog(), new NoDns(), budget.Token));
            if (verdict.Kind == VerdictKind.Accept) session.Accepted(verdict);
            return verdict;
        }
    }

    /// <summary>A spy standing in for the routers' verifier (see the class summary).</summary>
    private sealed class ListVerifier : IAddressVerifier
    {
        public ConcurrentQueue<string> AskedQueue { get; } = new();
        public string[] Asked => [.. AskedQueue];

        public Task<VerifyResult> VerifyRecipientAsync(string address, CancellationToken cancellationToken)
        {
            AskedQueue.Enqueue("recipient " + address);
            return Task.FromResult(address.Split('@')[0] switch
            {
                "nobody" => new VerifyResult(VerifyStatus.Undeliverable, "Unknown user", "local"),
                "slow" => new VerifyResult(VerifyStatus.Deferred, "lookup of test.example timed out"),
                _ => new VerifyResult(VerifyStatus.Deliverable, null, "local"),
            });
        }

        public Task<VerifyResult> VerifySenderAsync(string sender, CancellationToken cancellationToken)
        {
            AskedQueue.Enqueue("sender " + sender);
            return Task.FromResult(sender.EndsWith("@nowhere.example", StringComparison.Ordinal)
                ? new VerifyResult(VerifyStatus.Undeliverable, "Unrouteable address")
                : new VerifyResult(VerifyStatus.Deliverable));
        }
    }

    /// <summary>A spy standing in for the hints store's limiter: the "rate" is the number of events counted for the key and unit.</summary>
    private sealed class RecordingLimiter : IRateLimiter
    {
        private readonly ConcurrentDictionary<(string, RateLimitUnit), double> _rates = new();
        private readonly ConcurrentQueue<string> _requests = new();

        public List<string> Requests => [.. _requests];

        public int Count(string key, RateLimitUnit unit) => _requests.Count(r => r.StartsWith($"{key} {unit} ", StringComparison.Ordinal));

        public ValueTask<RateLimitResult> CheckAsync(RateLimitRequest request, CancellationToken cancellationToken)
        {
            _requests.Enqueue(FormattableString.Invariant($"{request.Key} {request.Unit} {request.Mode} {request.Count}"));
            var rate = request.Mode == RateLimitMode.ReadOnly
                ? _rates.GetValueOrDefault((request.Key, request.Unit))
                : _rates.AddOrUpdate((request.Key, request.Unit), request.Count, (_, r) => r + request.Count);
            return new(new RateLimitResult(rate > request.Limit, rate, request.Limit, request.Period));
        }
    }

    private sealed class NoLog : IScriptLog
    {
        public void Info(string message) { }
        public void Warning(string message) { }
        public void Error(string message) { }
    }

    private sealed class NoDns : IScriptDns
    {
        public Task<IReadOnlyList<System.Net.IPAddress>> A(string name) => Task.FromResult<IReadOnlyList<System.Net.IPAddress>>([]);
        public Task<IReadOnlyList<string>> Txt(string name) => Task.FromResult<IReadOnlyList<string>>([]);
        public string BlocklistName(System.Net.IPAddress address, string zone) => zone;
    }
}
