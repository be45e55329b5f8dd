using Exim.Abstractions.Policy;
using Exim.Abstractions.Scripting;
using Exim.Mail.Smtp.Admission;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// One connection's side of its policies: what the stage being decided carries (Exim's ACL variables at that point), the
/// modifiers accepting verdicts asked for (for the connection at connect and HELO, for the message from MAIL on), and
/// Exim's ratelimit caches. What the client has said so far is read from the session (<see cref="Transaction"/>); the
/// recipient and the message being decided come with each decision.
/// </summary>
internal sealed class PolicySession(ConnectionContext connection, PolicyServices services)
{
    private readonly PolicyModifiers _pending = new();

    public ConnectionContext Connection { get; } = connection;
    public PolicyServices Services { get; } = services;
    public SmtpStage Stage { get; private set; }

    /// <summary>The session's transaction, once the session has started (before it, at connect: nothing said yet).</summary>
    public ITransactionView Transaction { get; set; } = ITransactionView.None;

    public string? Helo => Transaction.Helo;
    public string? Sender => Transaction.Sender;
    public IReadOnlyList<string> Recipients => Transaction.Recipients;
    public long DeclaredSize => Transaction.DeclaredSize;

    /// <summary>At RCPT: the recipient being decided.</summary>
    public string? Recipient { get; private set; }

    /// <summary>At DATA: the message being decided.</summary>
    public StageMessage? Message { get; private set; }

    /// <summary>Modifiers accepted at connect and HELO: they apply to every message of the connection.</summary>
    public PolicyModifiers ForConnection { get; } = new();

    /// <summary>Modifiers accepted from MAIL to DATA: they apply to the current message.</summary>
    public PolicyModifiers ForMessage { get; } = new();

    public RateLimitCache Rates { get; } = new();

    public bool Handles(SmtpStage stage) => Services.Policies.Handles(stage);

    /// <summary>
    /// Decides <paramref name="stage"/>. The modifiers of the accepting verdicts count only when the stage's decision is
    /// Accept (as Exim's added headers are lost when an ACL ends in deny).
    /// </summary>
    public async ValueTask<Verdict> DecideAsync(SmtpStage stage, string? recipient = null, StageMessage? message = null)
    {
        Stage = stage;
        (Recipient, Message) = (recipient, message);
        _pending.Clear();
        if (stage != SmtpStage.Data) Rates.NewCommand(); // predata and data are one DATA command
        var verdict = await Services.Policies.DecideAsync(this).ConfigureAwait(false);
        if (verdict.Kind == VerdictKind.Discard && stage is not (SmtpStage.Mail or SmtpStage.Rcpt or SmtpStage.Data or SmtpStage.NotSmtp))
        {
            // Exim's acl_check: "discard" verb not allowed in this ACL, an error, which defers.
            SmtpLog.DiscardNotAllowed(Connection.Logger, StageReplies.AclName(stage), Connection.Host);
            return Verdict.Defer();
        }
        if (verdict.Kind == VerdictKind.Accept) (stage is SmtpStage.Connect or SmtpStage.Helo ? ForConnection : ForMessage).Add(_pending);
        return verdict;
    }

    /// <summary>An accepting verdict on the way to the stage's decision: its modifiers are kept, its own log line written now.</summary>
    public void Accepted(Verdict verdict)
    {
        _pending.Add(verdict);
        if (verdict.LogText is { } text)
        {
            if (Message is { } message) SmtpLog.PolicyLogLine(Connection.Logger, message.Id + " " + text);
            else SmtpLog.PolicyLogLine(Connection.Logger, text);
        }
    }

    /// <summary>A new transaction: the message's modifiers and per_mail rates start again.</summary>
    public void NewMessage()
    {
        ForMessage.Clear();
        Rates.NewMessage();
        (Recipient, Message) = (null, null);
    }

    public Task<VerifyResult> VerifyRecipientAsync(string address, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(address);
        return Verifier.VerifyRecipientAsync(address, cancellationToken);
    }

    public Task<VerifyResult> VerifySenderAsync(CancellationToken cancellationToken)
        => Verifier.VerifySenderAsync(Sender ?? throw new InvalidOperationException("Verify.Sender(): there is no sender before MAIL"), cancellationToken);

    public ValueTask<RateLimitResult> RateLimitAsync(string key, double rate, TimeSpan per, RateLimitUnit unit, RateLimitMode mode, double? count,
        CancellationToken cancellationToken)
        => Rates.CheckAsync(Services.RateLimiter ?? throw new InvalidOperationException("RateLimit: no rate limiter is available in this generation"),
            this, key, rate, per, unit, mode, count, cancellationToken);

    private IAddressVerifier Verifier => Services.Verifier
        ?? throw new InvalidOperationException("Verify: no address verifier is available in this generation");
}
