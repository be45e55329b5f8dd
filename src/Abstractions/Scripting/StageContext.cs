using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// What a stage script (<c>[hooks] helo</c>, <c>mail</c>, <c>rcpt</c>, <c>predata</c>, <c>data</c>) and a plugin's
/// <see cref="IStagePolicy"/> see: the stage, the connection, what the client has said so far (Exim's ACL variables at
/// that point), and helpers that go through the generation's plugins. One type for every stage, so one script file can
/// serve several stages: branch on <see cref="Stage"/>; what a stage does not have yet is null (or empty). A script
/// returns a <see cref="Verdict"/> (null accepts).
/// </summary>
public abstract class StageContext : ScriptGlobals
{
    /// <summary>Creates the context for one invocation.</summary>
    /// <param name="main">The main options of the generation the session belongs to.</param>
    /// <param name="hostLists">The host's host-list matching.</param>
    /// <param name="log">The script's (or plugin's) log.</param>
    /// <param name="cancellation">The invocation's time budget.</param>
    protected StageContext(IMainOptionsView main, IHostListFactory hostLists, IScriptLog log, CancellationToken cancellation)
        : base(main, hostLists, log, cancellation)
    {
    }

    /// <summary>The stage being decided.</summary>
    public abstract SmtpStage Stage { get; }

    /// <summary>The connection: addresses, ports, the verified host name, the slot id, and whether TLS and AUTH apply.</summary>
    public abstract AcceptConnection Connection { get; }

    /// <summary>The daemon's connection counts when this connection was accepted.</summary>
    public abstract ConnectionCounts Counts { get; }

    /// <summary>The HELO/EHLO name (at <see cref="SmtpStage.Helo"/>, the one being decided), or null before one.</summary>
    public abstract string? Helo { get; }

    /// <summary>The envelope sender from MAIL FROM ("" for the null sender), or null before MAIL.</summary>
    public abstract string? Sender { get; }

    /// <summary>The recipients accepted so far (at <see cref="SmtpStage.Rcpt"/>, not including the one being decided).</summary>
    public abstract IReadOnlyList<string> Recipients { get; }

    /// <summary>At <see cref="SmtpStage.Rcpt"/>: the recipient being decided (qualified); otherwise null.</summary>
    public abstract string? Recipient { get; }

    /// <summary>At <see cref="SmtpStage.Data"/>: the message (headers, size, body, id); otherwise null.</summary>
    public abstract StageMessage? Message { get; }

    /// <summary>A and TXT lookups through the resolver plugins and the host cache.</summary>
    public abstract IScriptDns Dns { get; }

    /// <summary>Address verification through the routers (<c>Verify.Recipient(address)</c>, <c>Verify.Sender()</c>).</summary>
    public abstract IScriptVerify Verify { get; }

    /// <summary>
    /// Exim's <c>ratelimit</c>: the smoothed rate of <paramref name="key"/> (e.g. the client's address, or the sender),
    /// counting this event unless <paramref name="mode"/> is ReadOnly, and whether it is over <paramref name="rate"/> per
    /// <paramref name="per"/>. As in Exim, PerConnection counts once per connection and PerMail and PerByte once per
    /// message however often they are asked (later checks reuse the first answer); PerRecipient counts each recipient at
    /// Rcpt and all of them at Predata and Data; a unit that cannot count at a stage (PerMail before MAIL) is read only.
    /// <code>
    /// var r = await RateLimit(Connection.RemoteAddress.ToString(), 100, TimeSpan.FromHours(1), RateLimitUnit.PerRecipient);
    /// if (r.Over) return Verdict.Defer($"too many recipients from you ({r.Rate:F0} per hour)");
    /// </code>
    /// Throws <see cref="InvalidOperationException"/> when no rate limiter is available (which defers the stage).
    /// </summary>
    /// <param name="key">What is limited.</param>
    /// <param name="rate">The largest rate allowed.</param>
    /// <param name="per">The period of the rate.</param>
    /// <param name="unit">What is counted (Exim's per_mail, per_conn, per_rcpt, per_cmd, per_byte).</param>
    /// <param name="mode">Leaky (Exim's default), Strict or ReadOnly.</param>
    /// <param name="count">How much this event counts (Exim's <c>count=</c>); null: 1, or the unit's own count (recipients, bytes).</param>
    public abstract ValueTask<RateLimitResult> RateLimit(string key, double rate, TimeSpan per, RateLimitUnit unit = RateLimitUnit.PerMail,
        RateLimitMode mode = RateLimitMode.Leaky, double? count = null);

    /// <summary>
    /// Whether the client is in <paramref name="hosts"/>, with Exim's meaning of every item (names looked up through the
    /// resolver plugins, once per connection). A lookup that cannot complete throws <see cref="DnsLookupException"/>.
    /// </summary>
    /// <param name="hosts">A host list, e.g. <c>HostLists.Compile(Main.GetList("relay_from_hosts"))</c> (compile it once, in a static).</param>
    public abstract ValueTask<bool> ClientIn(IHostList hosts);
}
