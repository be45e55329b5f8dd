using System.Diagnostics.CodeAnalysis;

namespace Exim.Abstractions.Queue;

/// <summary>
/// Names of Exim's named queues (<c>-qG&lt;name&gt;</c>): each is a directory <c>&lt;spool&gt;/&lt;name&gt;/input</c> beside
/// the default queue's <c>&lt;spool&gt;/input</c>. A name is 1 to 64 letters, digits, <c>_</c>, <c>-</c> and <c>.</c>,
/// starting with a letter or digit, and is none of the spool's own directories (IMPROVE: Exim takes any string, so a
/// name with <c>/</c> or <c>..</c> reaches outside the spool).
/// </summary>
public static class QueueNames
{
    /// <summary>The longest name allowed.</summary>
    public const int MaxLength = 64;

    private static readonly string[] Reserved = ["input", "msglog", "db", "log"];

    /// <summary>Whether <paramref name="name"/> may name a queue; <paramref name="why"/> says why not.</summary>
    /// <param name="name">The candidate.</param>
    /// <param name="why">Why the name is refused, or null.</param>
    public static bool IsValid(string? name, [NotNullWhen(false)] out string? why)
    {
        why = name switch
        {
            null or "" => "a queue name must not be empty",
            { Length: > MaxLength } => $"a queue name is at most {MaxLength} characters",
            _ when !char.IsAsciiLetterOrDigit(name[0]) => "a queue name starts with a letter or digit",
            _ when name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-' or '.')) => "a queue name has only letters, digits, '_', '-' and '.'",
            _ when Reserved.Contains(name, StringComparer.Ordinal) => $"'{name}' is a spool directory, not a queue name",
            _ => null,
        };
        return why is null;
    }
}
