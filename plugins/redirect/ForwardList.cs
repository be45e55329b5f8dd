using System.Collections.Immutable;
using System.Text;
using Exim.Abstractions.Routing;

namespace Exim.Plugins.Redirect;

/// <summary>
/// Exim's <c>parse_forward_list</c>: the items of an alias entry or a <c>.forward</c> file, separated by commas or
/// newlines, <c>#</c> comments in white-space positions; an item entirely in double quotes loses its quotes (so a pipe
/// command may contain spaces); <c>:unknown:</c> is ignored; <c>:defer:</c>, <c>:fail:</c> and <c>:blackhole:</c> end the
/// list at once, the rest of the text being their message; <c>:include:/path</c> reads another list; an item starting
/// with <c>/</c> or <c>|</c> that is not an address with a domain is a file or a pipe; anything else must be an address,
/// qualified when it has no domain (<c>\local</c> with the incoming domain, as Sendmail's loop-breaking backslash).
/// </summary>
internal static class ForwardList
{
    /// <summary>Exim's MAX_INCLUDE_SIZE.</summary>
    public const int MaxIncludeSize = 1024 * 1024;

    /// <summary>Ours: Exim does not bound nesting; a file including itself would recurse until the stack ran out.</summary>
    public const int MaxIncludeDepth = 10;

    public static ForwardListResult Parse(string text, ForwardListOptions options)
    {
        var items = ImmutableArray.CreateBuilder<ForwardItem>();
        return Parse(text, options, items, 0) ?? new ForwardListResult(items.Count > 0 ? ForwardOutcome.Delivered : ForwardOutcome.NotDelivered, items.ToImmutable());
    }

    /// <summary>Adds the items of <paramref name="text"/>; returns null when the list ended normally, else the special outcome or error.</summary>
    private static ForwardListResult? Parse(string text, ForwardListOptions options, ImmutableArray<ForwardItem>.Builder items, int depth)
    {
        var s = 0;
        while (true)
        {
            while (true)
            {
                while (s < text.Length && (char.IsWhiteSpace(text[s]) || text[s] == ',')) s++;
                if (s < text.Length && text[s] == '#')
                {
                    while (s < text.Length && text[s] != '\n') s++;
                }
                else break;
            }
            if (s >= text.Length) return null;

            var next = FindAddressEnd(text, s);
            var end = next;
            while (end > s && char.IsWhiteSpace(text[end - 1])) end--;
            var start = s;
            var inQuote = false;
            if (text[start] == '"' && end - start >= 2 && text[end - 1] == '"')
            {
                start++;
                end--;
                inQuote = true;
                while (start < end && char.IsWhiteSpace(text[start])) start++;
                while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
            }
            var item = text[start..end];
            s = next;

            if (item.Length == 0) continue; // an empty item ("") is ignored, as Exim ignores it
            if (item == ":unknown:") continue;
            if (Special(text, start, item, options) is { } special) return special;

            if (item.StartsWith(":include:", StringComparison.Ordinal))
            {
                if (Include(item[9..].Trim(), options, items, depth) is { } failed) return failed;
                continue;
            }

            string? local;
            string? domain;
            string? error;
            var parsed = item.StartsWith('\\') && AddressSyntax.TryParse(item[1..], out local, out domain, out error) && domain is null
                ? (local + "@" + options.IncomingDomain)
                : AddressSyntax.TryParse(item, out local, out domain, out error) ? local + "@" + (domain ?? options.QualifyDomain) : null;

            if ((item[0] == '|' || item[0] == '/') && (parsed is null || domain is null))
            {
                var target = inQuote ? Unescape(item) : item;
                items.Add(target[0] == '|' ? new ForwardItem(RedirectItemKind.Pipe, target[1..]) : new ForwardItem(RedirectItemKind.File, target));
                continue;
            }
            if (parsed is null)
            {
                if (error == AddressSyntax.EmptyAddress) continue; // people use "()" lines as comments
                return ForwardListResult.Special(ForwardOutcome.Error, $"{error} in \"{item}\"");
            }
            items.Add(new ForwardItem(RedirectItemKind.Address, parsed));
        }
    }

    /// <summary><c>:defer:</c>, <c>:blackhole:</c> or <c>:fail:</c>: the text after it (to the end of the data) is the message.</summary>
    private static ForwardListResult? Special(string text, int start, string item, ForwardListOptions options)
    {
        (ForwardOutcome Outcome, int Length, bool Permitted) special;
        if (item.StartsWith(":defer:", StringComparison.Ordinal)) special = (ForwardOutcome.Defer, 7, options.AllowDefer);
        else if (item.StartsWith(":blackhole:", StringComparison.Ordinal)) special = (ForwardOutcome.Blackhole, 11, !options.ForbidBlackhole);
        else if (item.StartsWith(":fail:", StringComparison.Ordinal)) special = (ForwardOutcome.Fail, 6, options.AllowFail);
        else return null;
        if (!special.Permitted) return ForwardListResult.Special(ForwardOutcome.Error, $"\"{item}\" is not permitted");
        var message = text[(start + special.Length)..].TrimStart().TrimEnd('\n');
        return ForwardListResult.Special(special.Outcome, message);
    }

    private static ForwardListResult? Include(string name, ForwardListOptions options, ImmutableArray<ForwardItem>.Builder items, int depth)
    {
        if (name.Length == 0) return Error("file name missing after :include:");
        if (name.Length > 255) return Error($"included file \"{name}\" is too long");
        if (name[0] != '/') return Error($"included file \"{name}\" is not an absolute path");
        if (options.ForbidInclude) return Error("included files not permitted");
        if (depth >= MaxIncludeDepth) return Error($"included file {name}: :include: nested more than {MaxIncludeDepth} deep");
        if (options.IncludeDirectory is { } directory && InsideDirectory(name, directory) is { } outside) return Error(outside);

        string contents;
        try
        {
            using var stream = Native.OpenRegular(name);
            if (stream.Length > MaxIncludeSize) return Error($"included file {name} is too big (max {MaxIncludeSize})");
            contents = RedirectFiles.ReadAll(stream, MaxIncludeSize);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return ForwardListResult.Special(ForwardOutcome.IncludeFail, $"failed to open included file {name}: {RedirectFiles.Reason(e)}");
        }
        return Parse(contents, options, items, depth + 1);
    }

    /// <summary>Exim's include_directory check: the name starts with the directory and no component below it is a symbolic link.</summary>
    private static string? InsideDirectory(string name, string directory)
    {
        var dir = directory.TrimEnd('/');
        if (!name.StartsWith(dir + "/", StringComparison.Ordinal)) return $"included file {name} is not in directory {directory}";
        var path = dir;
        foreach (var part in name[(dir.Length + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            var info = new FileInfo(path);
            if (info.Exists && info.LinkTarget is not null) return $"included file {name} in the {directory} directory involves a symbolic link";
        }
        return null;
    }

    private static ForwardListResult Error(string message) => ForwardListResult.Special(ForwardOutcome.Error, message);

    /// <summary>Exim's <c>parse_find_address_end</c> (newlines end an item): skips quoted pairs, quoted strings and comments.</summary>
    private static int FindAddressEnd(string s, int i)
    {
        while (i < s.Length && s[i] != ',' && s[i] != '\n')
        {
            if (s[i] == '\\' && i + 1 < s.Length)
            {
                i += 2;
            }
            else if (s[i] == '"')
            {
                while (++i < s.Length && s[i] != '\n')
                {
                    if (s[i] == '\\' && i + 1 < s.Length) i++;
                    else if (s[i] == '"')
                    {
                        i++;
                        break;
                    }
                }
            }
            else if (s[i] == '(')
            {
                var level = 1;
                while (++i < s.Length && s[i] != '\n')
                {
                    if (s[i] == '\\' && i + 1 < s.Length) i++;
                    else if (s[i] == '(') level++;
                    else if (s[i] == ')' && --level <= 0)
                    {
                        i++;
                        break;
                    }
                }
            }
            else
            {
                i++;
            }
        }
        return i;
    }

    /// <summary>A quoted pipe or file item loses the backslashes of its quoted pairs.</summary>
    private static string Unescape(string item)
    {
        if (!item.Contains('\\', StringComparison.Ordinal)) return item;
        var sb = new StringBuilder(item.Length);
        for (var i = 0; i < item.Length; i++)
        {
            if (item[i] == '\\' && i + 1 < item.Length) i++;
            sb.Append(item[i]);
        }
        return sb.ToString();
    }
}
