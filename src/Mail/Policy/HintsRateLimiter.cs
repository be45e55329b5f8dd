using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Exim.Abstractions.Hints;
using Exim.Abstractions.Policy;
using Exim.Mail.Text;

namespace Exim.Mail.Policy;

/// <summary>
/// Exim's <c>ratelimit</c> condition (acl.c, acl_ratelimit), on the hints store's <see cref="HintsDatabases.RateLimit"/>
/// database, with its arithmetic and its key:
/// <list type="bullet">
/// <item>The key is <c>period/per_what/[unique/]key</c>, the period as written and <c>per_what</c> as Exim names the mode
/// (<c>per_byte</c> counts bytes under <c>per_mail</c>, as Exim's mode table has it).</item>
/// <item>The smoothed rate is an exponentially weighted moving average adjusted for the interval since the last stored
/// event: <c>a = exp(-interval/period)</c>, <c>rate = (1 - a) * count / (interval/period) + a * old_rate</c>, the interval
/// clamped to 1e-9 s when the clock stood still or went back, and never below <c>count</c> (an isolated event is its
/// own size per period). A key seen for the first time starts at <c>count</c>.</item>
/// <item>A rate at or above the limit is over it. <c>leaky</c> stores the new rate only when under the limit, <c>strict</c>
/// always, <c>readonly</c> never and counts 0, so the rate only decays.</item>
/// <item><c>unique=</c>: a Bloom filter (limit × 2 bytes, at least 40, 8 bits per event from MD5 of the id) kept in the
/// record and started anew once older than the period; an event already in it counts 0.</item>
/// </list>
/// The read, the computation and the write happen in one store transaction, so concurrent processes never lose an event.
/// A store that cannot be used throws <see cref="HintsUnavailableException"/> ("ratelimit database not available"), which
/// defers the stage as Exim does, rather than let everything through as if every key were new.
/// The record's value is <c>seconds microseconds rate</c>, plus <c>bloom_epoch base64(bloom)</c> for unique keys.
/// </summary>
internal sealed class HintsRateLimiter(IHintsStore store, TimeProvider time) : IRateLimiter
{
    private const int MinimumBloomSize = 40;

    public async ValueTask<RateLimitResult> CheckAsync(RateLimitRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Period <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(request), "the period must be positive");
        if (request.Limit < 0 || request.Count < 0) throw new ArgumentOutOfRangeException(nameof(request), "the limit and the count must not be negative");
        var key = StoredKey(request);
        // The time is taken inside the update, after any wait for another writer, so the stored times never go back.
        var (over, rate) = await store.UpdateAsync(HintsDatabases.RateLimit, key, current => Compute(request, current?.Value, time.GetUtcNow()), cancellationToken)
            .ConfigureAwait(false);
        return new RateLimitResult(over, rate, request.Limit, request.Period) { StoredKey = key };
    }

    /// <summary>Exim's key: <c>sender_rate_period/per_what/[unique/]key</c>.</summary>
    public static string StoredKey(RateLimitRequest request)
    {
        var what = request.Unit switch
        {
            RateLimitUnit.PerConnection => "per_conn",
            RateLimitUnit.PerRecipient => "per_rcpt",
            RateLimitUnit.PerCommand => "per_cmd",
            _ => "per_mail", // per_mail, and per_byte (Exim sets the mode to per_mail for it)
        };
        return $"{request.PeriodText ?? EximTimeText.Format(request.Period)}/{what}/{(request.Unique is null ? "" : "unique/")}{request.Key}";
    }

    private static (HintsChange, (bool Over, double Rate)) Compute(RateLimitRequest request, string? stored, DateTimeOffset now)
    {
        var readOnly = request.Mode == RateLimitMode.ReadOnly;
        var count = readOnly ? 0.0 : request.Count;
        var period = request.Period.TotalSeconds;
        var (seconds, microseconds) = Split(now);
        RateRecord? record = stored is null ? null : RateRecord.TryParse(stored, out var parsed) ? parsed : null;

        byte[]? bloom = null;
        var bloomEpoch = seconds;
        if (request.Unique is { } unique)
        {
            // A filter older than the period is forgotten (the rate is kept), so a repeating event counts once per period.
            if (record?.Bloom is { } old && seconds <= record.BloomEpoch + period && old.Length >= MinimumBloomSize)
            {
                bloom = (byte[])old.Clone();
                bloomEpoch = record.BloomEpoch;
            }
            else
            {
                bloom = new byte[Math.Max((int)request.Limit * 2, MinimumBloomSize)];
            }
            if (!readOnly && Seen(bloom, unique)) count = 0.0;
        }

        double rate;
        if (record is null)
        {
            rate = count;
        }
        else
        {
            var thisTime = seconds + microseconds / 1_000_000.0;
            var previous = record.Seconds + record.Microseconds / 1_000_000.0;
            var interval = thisTime - previous <= 0.0 ? 1e-9 : thisTime - previous;
            var iOverP = interval / period;
            var a = Math.Exp(-iOverP);
            rate = (1 - a) * count / iOverP + a * record.Rate;
            if (rate < count) rate = count;
        }

        var over = !(rate < request.Limit);
        var write = request.Mode == RateLimitMode.Strict || (request.Mode == RateLimitMode.Leaky && !over);
        var change = write ? HintsChange.Write(new RateRecord(seconds, microseconds, rate, bloomEpoch, bloom).Format()) : HintsChange.Keep;
        return (change, (over, rate));
    }

    private static (long Seconds, int Microseconds) Split(DateTimeOffset now)
    {
        var ticks = (now - DateTimeOffset.UnixEpoch).Ticks;
        return (ticks / TimeSpan.TicksPerSecond, (int)(ticks % TimeSpan.TicksPerSecond / 10));
    }

    /// <summary>
    /// Sets the event's 8 bits (two 32-bit halves of its MD5 combined as h1 + n × h2, as Exim does); true when all were
    /// set already.
    /// </summary>
    private static bool Seen(byte[] bloom, string unique)
    {
        Span<byte> md5 = stackalloc byte[16];
#pragma warning disable CA5351 // Exim's choice of hash for the filter, not a security use
        MD5.HashData(Encoding.UTF8.GetBytes(unique), md5);
#pragma warning restore CA5351
        var hash = (uint)(md5[0] | md5[1] << 8 | md5[2] << 16 | md5[3] << 24);
        var increment = (uint)(md5[4] | md5[5] << 8 | md5[6] << 16 | md5[7] << 24);
        var seen = true;
        for (var n = 0; n < 8; n++, hash += increment)
        {
            var bit = (byte)(1 << (int)(hash % 8));
            var index = (int)(hash / 8 % (uint)bloom.Length);
            if ((bloom[index] & bit) == 0)
            {
                bloom[index] |= bit;
                seen = false;
            }
        }
        return seen;
    }

    /// <summary>A stored rate: Exim's dbdata_ratelimit (and dbdata_ratelimit_unique).</summary>
    internal sealed record RateRecord(long Seconds, int Microseconds, double Rate, long BloomEpoch, byte[]? Bloom)
    {
        public string Format()
        {
            var ci = CultureInfo.InvariantCulture;
            var text = $"{Seconds.ToString(ci)} {Microseconds.ToString(ci)} {Rate.ToString("R", ci)}";
            return Bloom is null ? text : $"{text} {BloomEpoch.ToString(ci)} {Convert.ToBase64String(Bloom)}";
        }

        public static bool TryParse(string value, out RateRecord record)
        {
            record = null!;
            var f = value.Split(' ');
            var ci = CultureInfo.InvariantCulture;
            if (f.Length is not (3 or 5)
                || !long.TryParse(f[0], NumberStyles.AllowLeadingSign, ci, out var seconds)
                || !int.TryParse(f[1], NumberStyles.None, ci, out var microseconds)
                || !double.TryParse(f[2], NumberStyles.Float, ci, out var rate) || !double.IsFinite(rate)) return false;
            long epoch = 0;
            byte[]? bloom = null;
            if (f.Length == 5)
            {
                if (!long.TryParse(f[3], NumberStyles.AllowLeadingSign, ci, out epoch)) return false;
                try { bloom = Convert.FromBase64String(f[4]); }
                catch (FormatException) { return false; }
            }
            record = new RateRecord(seconds, microseconds, rate, epoch, bloom);
            return true;
        }
    }
}
