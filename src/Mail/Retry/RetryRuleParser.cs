using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Exim.Abstractions.Config;

namespace Exim.Mail.Retry;

/// <summary>
/// Parses Exim's retry rule text, <c>F,2h,15m; G,16h,1h,1.5; F,4d,6h</c>: items separated by <c>;</c>, fields by
/// <c>,</c>, times in Exim's forms (parsed by the caller's time parser, so the configuration and the rules agree), a
/// multiplier above 1 for G and H. Cutoffs must not decrease.
/// </summary>
internal static class RetryRuleParser
{
    public static bool TryParse(RetryConfig config, Func<string, TimeSpan?> parseTime, [NotNullWhen(true)] out RetryRule? rule, [NotNullWhen(false)] out string? error)
    {
        rule = null;
        if (!TryParseItems(config.Rules, parseTime, out var items, out error)) return false;
        rule = new RetryRule(config.Pattern.Trim(), config.Error.Trim(), items);
        return true;
    }

    public static bool TryParseItems(string text, Func<string, TimeSpan?> parseTime, out ImmutableArray<RetryRuleItem> items, [NotNullWhen(false)] out string? error)
    {
        var result = ImmutableArray.CreateBuilder<RetryRuleItem>();
        items = [];
        error = null;
        var previousCutoff = TimeSpan.Zero;
        foreach (var raw in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = raw.Split(',', StringSplitOptions.TrimEntries);
            var kind = fields[0].Length == 1 ? char.ToUpperInvariant(fields[0][0]) : '?';
            var wanted = kind == 'F' ? 3 : 4;
            if (kind is not ('F' or 'G' or 'H'))
            {
                error = $"retry rule item \"{raw}\": the first field must be F, G or H";
                return false;
            }
            if (fields.Length != wanted)
            {
                error = $"retry rule item \"{raw}\": {kind} takes {wanted} fields";
                return false;
            }
            if (parseTime(fields[1]) is not { } cutoff || parseTime(fields[2]) is not { } interval || interval <= TimeSpan.Zero)
            {
                error = $"retry rule item \"{raw}\": bad time value";
                return false;
            }
            var multiplier = 1.0;
            if (wanted == 4 && (!double.TryParse(fields[3], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out multiplier) || multiplier <= 1.0))
            {
                error = $"retry rule item \"{raw}\": the multiplier must be a number above 1";
                return false;
            }
            if (cutoff < previousCutoff)
            {
                error = $"retry rule item \"{raw}\": cutoff times must not decrease";
                return false;
            }
            previousCutoff = cutoff;
            result.Add(new RetryRuleItem(kind, cutoff, interval, multiplier));
        }
        if (result.Count == 0)
        {
            error = "a retry rule needs at least one item";
            return false;
        }
        items = result.ToImmutable();
        return true;
    }
}
