using Exim.Abstractions.Policy;
using Exim.Mail.Policy;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// Exim's ratelimit bookkeeping inside a session (acl.c, acl_ratelimit): which unit counts at which stage, and the
/// caches that make per_conn count once per connection and per_mail (and per_byte) once per message however often a
/// policy asks: later checks of the same key, period and unit reuse the first computed rate. ReadOnly checks, per_cmd
/// and per_rcpt at RCPT are remembered only for the current command.
/// </summary>
internal sealed class RateLimitCache
{
    private Dictionary<string, double>? _connection;
    private Dictionary<string, double>? _message;
    private Dictionary<string, double>? _command;

    public void NewMessage() => _message?.Clear();

    public void NewCommand() => _command?.Clear();

    public async ValueTask<RateLimitResult> CheckAsync(IRateLimiter limiter, PolicySession session, string key, double limit, TimeSpan per,
        RateLimitUnit unit, RateLimitMode mode, double? count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (limit < 0 || double.IsNaN(limit)) throw new ArgumentOutOfRangeException(nameof(limit), limit, "a rate limit is a number of 0 or more");
        if (per <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(per), per, "a rate's period is more than 0");
        if (count is < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "a count is 0 or more");
        var stage = session.Stage;
        var cannotCount = false; // Exim's badacl: the unit means nothing yet at this stage, so the check is read only
        var n = count ?? 1;
        var perCommand = false;
        switch (unit)
        {
            case RateLimitUnit.PerMail:
                cannotCount = stage is SmtpStage.Connect or SmtpStage.Helo;
                break;
            case RateLimitUnit.PerByte:
                cannotCount = stage is SmtpStage.Connect or SmtpStage.Helo;
                n = count ?? (session.Message is { } message ? message.Size : Math.Max(session.DeclaredSize, 0));
                break;
            case RateLimitUnit.PerRecipient:
                if (stage == SmtpStage.Rcpt) perCommand = true;
                else if (stage is SmtpStage.Predata or SmtpStage.Data or SmtpStage.NotSmtp) n = count ?? session.Recipients.Count; // all of them in one batch
                else cannotCount = true;
                break;
            case RateLimitUnit.PerCommand:
                perCommand = true;
                break;
        }
        var readOnly = mode == RateLimitMode.ReadOnly || cannotCount;
        if (readOnly) n = 0;
        var cache = readOnly || perCommand ? (_command ??= new(StringComparer.Ordinal))
            : unit == RateLimitUnit.PerConnection ? (_connection ??= new(StringComparer.Ordinal))
            : (_message ??= new(StringComparer.Ordinal));
        var request = new RateLimitRequest(key, limit, per) { Mode = readOnly ? RateLimitMode.ReadOnly : mode, Unit = unit, Count = n };
        var cacheKey = HintsRateLimiter.StoredKey(request); // Exim caches by the database key
        if (cache.TryGetValue(cacheKey, out var rate)) return new RateLimitResult(rate >= limit, rate, limit, per) { StoredKey = cacheKey };

        var result = await limiter.CheckAsync(request, cancellationToken).ConfigureAwait(false);
        cache[cacheKey] = result.Rate;
        return result;
    }
}
