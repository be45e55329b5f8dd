using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Exim.Mail.Matching;

/// <summary>
/// An Exim local part list (a router's <c>local_parts</c>), compiled once per configuration. Items, as match.c reads
/// them: a plain name; <c>*suffix</c>; <c>^regex</c>; <c>!</c> before any item to negate it; <c>+caseful</c>, after which
/// the items match case for case; and an absolute file name, which stands for the file's lines, each an item of its own
/// (<c>#</c> at the start or after white space begins a comment, blank lines are ignored, a line may be negated, and
/// <c>!/file</c> negates every line). Matching is caseless until <c>+caseful</c>, as Exim matches local parts unless
/// <c>caseful_local_part</c> is set. The first item that matches decides; when none does, the local part is in the list
/// only if the last item was negated (for a file, its last line; for an empty file, the file item itself). A run of
/// plain names with the same sign, such as a file of user names, is one hash set, so a check costs the same for ten
/// names or ten thousand. The files' lines are given (<see cref="Abstractions.Config.EximConfig.ListFiles"/>): they were
/// read when the configuration was loaded, so a check never touches the disk and a reload reads them again.
/// </summary>
internal sealed class LocalPartList
{
    /// <summary>Bounds one regular expression match (Exim has no bound; a pathological pattern here defers the address).</summary>
    internal static readonly TimeSpan RegexTimeout = TimeSpan.FromSeconds(1);

    private readonly ImmutableArray<Item> _items;
    private readonly bool _whenNoneMatches;

    private LocalPartList(ImmutableArray<Item> items, bool whenNoneMatches) => (_items, _whenNoneMatches) = (items, whenNoneMatches);

    /// <summary>Whether <paramref name="localPart"/> is in the list.</summary>
    /// <exception cref="RegexMatchTimeoutException">A regular expression item ran past <see cref="RegexTimeout"/>.</exception>
    public bool Matches(string localPart)
    {
        foreach (var item in _items)
        {
            if (item.Matches(localPart)) return item.Positive;
        }
        return _whenNoneMatches;
    }

    /// <summary>The absolute file names among <paramref name="items"/> (after any <c>!</c>), whose lines the list needs.</summary>
    public static IEnumerable<string> FileNames(IEnumerable<string> items)
    {
        foreach (var raw in items)
        {
            var item = Unnegated(raw, out _);
            if (item.StartsWith('/')) yield return item;
        }
    }

    /// <summary>
    /// The item on one line of a list file, as match.c reads it for local part lists: a <c>#</c> at the start or after
    /// white space begins a comment (elsewhere it is part of a name), and surrounding white space is dropped; null for a
    /// line with nothing left.
    /// </summary>
    public static string? FileItem(string line)
    {
        for (var at = line.IndexOf('#', StringComparison.Ordinal); at >= 0; at = line.IndexOf('#', at + 1))
        {
            if (at == 0 || char.IsWhiteSpace(line[at - 1]))
            {
                line = line[..at];
                break;
            }
        }
        line = line.Trim();
        return line.Length == 0 ? null : line;
    }

    /// <summary>Compiles a list.</summary>
    /// <param name="items">The items, in order.</param>
    /// <param name="files">The lines of each file an item names.</param>
    /// <param name="list">The list.</param>
    /// <param name="error">Why the list is not valid, e.g. a regular expression that does not compile.</param>
    public static bool TryCreate(IEnumerable<string> items, IReadOnlyDictionary<string, ImmutableArray<string>> files,
        [NotNullWhen(true)] out LocalPartList? list, [NotNullWhen(false)] out string? error)
    {
        list = null;
        var builder = new Builder();
        foreach (var raw in items)
        {
            var item = Unnegated(raw, out var negated);
            if (!negated && item == "+caseful")
            {
                builder.Caseless = false;
                continue;
            }
            if (item.StartsWith('/'))
            {
                if (!files.TryGetValue(item, out var lines))
                {
                    error = $"the list file {item} was not read with the configuration";
                    return false;
                }
                var any = false;
                foreach (var line in lines)
                {
                    if (FileItem(line) is not { } text) continue;
                    var pattern = Unnegated(text, out var lineNegated);
                    if (!builder.TryAdd(pattern, negated != lineNegated, out error)) return false;
                    any = true;
                }
                // An empty file leaves the answer at the end of the list to the file item's own sign (match.c's file_yield).
                if (!any) builder.NoItem(negated);
                continue;
            }
            if (item.StartsWith('+'))
            {
                // Exim's named lists (localpartlist); none can be declared here.
                error = $"unknown named local part list \"{item}\" in local_parts";
                return false;
            }
            if (!builder.TryAdd(item, negated, out error)) return false;
        }
        list = builder.Build();
        error = null;
        return true;
    }

    /// <summary>The item without a leading <c>!</c> and the white space after it.</summary>
    private static string Unnegated(string item, out bool negated)
    {
        item = item.Trim();
        negated = item.StartsWith('!');
        return negated ? item[1..].TrimStart() : item;
    }

    private abstract class Item(bool positive)
    {
        public bool Positive { get; } = positive;

        public abstract bool Matches(string localPart);
    }

    /// <summary>A run of plain names with the same sign and case rule: the first match in the run decides as any match does.</summary>
    private sealed class Names(bool positive, FrozenSet<string> names) : Item(positive)
    {
        public override bool Matches(string localPart) => names.Contains(localPart);
    }

    private sealed class Suffix(bool positive, string suffix, StringComparison comparison) : Item(positive)
    {
        public override bool Matches(string localPart) => localPart.EndsWith(suffix, comparison);
    }

    private sealed class Pattern(bool positive, Regex regex) : Item(positive)
    {
        public override bool Matches(string localPart) => regex.IsMatch(localPart);
    }

    private sealed class Builder
    {
        private readonly ImmutableArray<Item>.Builder _items = ImmutableArray.CreateBuilder<Item>();
        private HashSet<string>? _run;
        private bool _runPositive;
        private bool _runCaseless;
        private bool _lastNegated;

        public bool Caseless { get; set; } = true;

        public bool TryAdd(string pattern, bool negated, [NotNullWhen(false)] out string? error)
        {
            error = null;
            _lastNegated = negated;
            if (pattern.StartsWith('^'))
            {
                var options = RegexOptions.CultureInvariant | (Caseless ? RegexOptions.IgnoreCase : RegexOptions.None);
                Regex regex;
                try
                {
                    regex = new Regex(pattern, options, RegexTimeout);
                }
                catch (ArgumentException e)
                {
                    error = $"local_parts item \"{pattern}\" is not a valid regular expression: {e.Message}";
                    return false;
                }
                Add(new Pattern(!negated, regex));
                return true;
            }
            if (pattern.StartsWith('*'))
            {
                Add(new Suffix(!negated, pattern[1..], Caseless ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal));
                return true;
            }
            if (pattern.Contains(';', StringComparison.Ordinal))
            {
                error = $"local_parts item \"{pattern}\" is a lookup, which is not supported (name a file of local parts instead)";
                return false;
            }
            if (_run is null || _runPositive == negated || _runCaseless != Caseless)
            {
                Flush();
                _run = new HashSet<string>(Caseless ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
                (_runPositive, _runCaseless) = (!negated, Caseless);
            }
            _run.Add(pattern);
            return true;
        }

        /// <summary>An empty file: no item, but the sign the list ends with is the file item's.</summary>
        public void NoItem(bool negated) => _lastNegated = negated;

        public LocalPartList Build()
        {
            Flush();
            return new LocalPartList(_items.ToImmutable(), _lastNegated);
        }

        private void Add(Item item)
        {
            Flush();
            _items.Add(item);
        }

        private void Flush()
        {
            if (_run is null) return;
            _items.Add(new Names(_runPositive, _run.ToFrozenSet(_runCaseless ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal)));
            _run = null;
        }
    }
}
