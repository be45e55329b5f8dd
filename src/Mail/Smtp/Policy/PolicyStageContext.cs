using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// The <see cref="StageContext"/> of one policy invocation: the connection's <see cref="PolicySession"/> as the stage left
/// it, with the invocation's own log and time budget.
/// </summary>
internal sealed class PolicyStageContext(PolicySession session, IMainOptionsView main, IScriptLog log, IScriptDns dns, CancellationToken budget)
    : StageContext(main, HostListFactory.Instance, log, budget), IScriptVerify
{
    public override SmtpStage Stage => session.Stage;
    public override AcceptConnection Connection => session.Connection.Description;
    public override ConnectionCounts Counts => session.Connection.Counts;
    public override string? Helo => session.Helo;
    public override string? Sender => session.Sender;
    public override IReadOnlyList<string> Recipients => session.Recipients;
    public override string? Recipient => session.Recipient;
    public override StageMessage? Message => session.Message;
    public override IScriptDns Dns => dns;
    public override IScriptVerify Verify => this;

    public override ValueTask<RateLimitResult> RateLimit(string key, double rate, TimeSpan per, RateLimitUnit unit = RateLimitUnit.PerMail,
        RateLimitMode mode = RateLimitMode.Leaky, double? count = null)
        => session.RateLimitAsync(key, rate, per, unit, mode, count, Cancellation);

    public override async ValueTask<bool> ClientIn(IHostList hosts)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        var c = session.Connection;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(Cancellation, c.ShutdownToken);
        return await hosts.MatchAsync(c.Remote.Address, c.HostName, c.HostNames, linked.Token).ConfigureAwait(false) switch
        {
            HostListMatch.Match => true,
            HostListMatch.NoMatch => false,
            _ => throw new DnsLookupException("a host name lookup for the host list did not complete"),
        };
    }

    Task<VerifyResult> IScriptVerify.Recipient(string address) => session.VerifyRecipientAsync(address, Cancellation);

    Task<VerifyResult> IScriptVerify.Sender() => session.VerifySenderAsync(Cancellation);
}
