using System.Collections.Immutable;

namespace Exim.Mail.Retry;

/// <summary>One <c>[[retry]]</c> rule, parsed: which keys and errors it covers, and its items in order.</summary>
internal sealed record RetryRule(string Pattern, string Error, ImmutableArray<RetryRuleItem> Items)
{
    /// <summary>The last cutoff: a key failing for longer than this has timed out.</summary>
    public TimeSpan FinalCutoff => Items.IsEmpty ? TimeSpan.Zero : Items.Max(i => i.Cutoff);

    /// <summary>
    /// Exim's retry.c arithmetic for the next try after a failure at <paramref name="now"/>. The item used is the first
    /// whose cutoff lies beyond the time since <paramref name="firstFailed"/>; past every cutoff the key has timed out
    /// (<c>Expired</c>). F waits its interval; G waits the last gap (the shorter of the one predicted and the one that
    /// happened) times the multiplier, but never less than the interval; H waits the interval plus a random part of
    /// what G would add.
    /// </summary>
    public (DateTimeOffset NextTry, bool Expired) Next(RetryRecord? previous, DateTimeOffset firstFailed, DateTimeOffset now, Random random)
    {
        var age = now - firstFailed;
        RetryRuleItem? item = null;
        foreach (var i in Items)
        {
            if (i.Cutoff > age)
            {
                item = i;
                break;
            }
        }
        if (item is null) return (now + (Items.IsEmpty ? TimeSpan.Zero : Items[^1].Interval), true);
        if (item.Kind == 'F') return (now + item.Interval, false);

        var lastGap = previous is null
            ? TimeSpan.Zero
            : TimeSpan.FromTicks(Math.Min((previous.NextTry - previous.LastTry).Ticks, (now - previous.LastTry).Ticks));
        var nextGap = lastGap * item.Multiplier;
        if (item.Kind == 'G') return (now + (lastGap < item.Interval ? item.Interval : nextGap), false);
        var next = now + item.Interval;
        if (nextGap > item.Interval)
        {
            var extra = nextGap - item.Interval;
            next += extra / 2 + TimeSpan.FromTicks((long)(random.NextDouble() * extra.Ticks / 2));
        }
        return (next, false);
    }
}
