using System.Diagnostics.CodeAnalysis;
using Exim.Mail.Routing;

namespace Exim.Mail.Transports.Maildir;

/// <summary>
/// The maildir transport's <c>directory</c> option for one recipient: <c>$local_part</c> (the de-quoted local part, see
/// <see cref="LocalPart"/>) and <c>$domain</c> substituted. The mailbox root is the option's fixed part before its first
/// variable (<c>/var/mail</c> for <c>/var/mail/$domain/$local_part</c>); a value that could not be one directory name under
/// it (empty, <c>.</c>, <c>..</c>, or containing <c>/</c> or NUL) is refused, and so is any result outside the root, so an
/// address never names a directory elsewhere or another user's. Exim's appendfile leaves this to taint checks and the
/// RCPT ACL; here the transport refuses it itself, with the reason.
/// </summary>
internal static class MailboxDirectory
{
    private static readonly string[] LocalPartNames = ["${local_part}", "$local_part"];
    private static readonly string[] DomainNames = ["${domain}", "$domain"];

    public static bool TryExpand(string pattern, string recipient, [NotNullWhen(true)] out string? directory, [NotNullWhen(false)] out string? error)
    {
        directory = null;
        var root = Root(pattern);
        var at = recipient.LastIndexOf('@');
        var (local, domain) = (LocalPart.Of(recipient), at < 0 ? "" : recipient[(at + 1)..]);
        if (Uses(pattern, LocalPartNames) && Refusal(local) is { } whyLocal)
        {
            error = $"local part \"{local}\" cannot name a mailbox directory under {root}: {whyLocal}";
            return false;
        }
        if (Uses(pattern, DomainNames) && Refusal(domain) is { } whyDomain)
        {
            error = $"domain \"{domain}\" cannot name a mailbox directory under {root}: {whyDomain}";
            return false;
        }
        var expanded = Substitute(Substitute(pattern, LocalPartNames, local), DomainNames, domain);
        // Belt and braces: whatever the values, the result must lie strictly below the root.
        var full = Path.GetFullPath(expanded);
        var under = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)) + "/";
        if (root != pattern && !full.StartsWith(under, StringComparison.Ordinal))
        {
            error = $"mailbox directory {expanded} for \"{recipient}\" is outside {root}";
            return false;
        }
        directory = expanded;
        error = null;
        return true;
    }

    /// <summary>The fixed directory the option starts with: up to the last <c>/</c> before its first <c>$</c>; all of it without one.</summary>
    public static string Root(string pattern)
    {
        var dollar = pattern.IndexOf('$', StringComparison.Ordinal);
        if (dollar < 0) return pattern;
        var slash = pattern.LastIndexOf('/', dollar);
        return slash switch { < 0 => ".", 0 => "/", _ => pattern[..slash] };
    }

    /// <summary>Why <paramref name="value"/> cannot be one directory name, or null when it can.</summary>
    private static string? Refusal(string value) => value switch
    {
        "" => "it is empty",
        "." or ".." => $"it is \"{value}\"",
        _ when value.Contains('/', StringComparison.Ordinal) => "it contains \"/\"",
        _ when value.Contains('\0', StringComparison.Ordinal) => "it contains a NUL",
        _ => null,
    };

    private static bool Uses(string pattern, string[] names) => names.Any(n => pattern.Contains(n, StringComparison.Ordinal));

    private static string Substitute(string pattern, string[] names, string value)
    {
        foreach (var name in names) pattern = pattern.Replace(name, value, StringComparison.Ordinal);
        return pattern;
    }
}
