using System.Text.RegularExpressions;
using Exim.Mail.Spool;

namespace Exim.Mail.Delivery;

/// <summary>
/// Exim's <c>-R</c> / <c>-S</c> (and <c>-qR</c> / <c>-qS</c>) selection for a one-off queue run, as queue.c applies it: a
/// message is taken when its sender contains <see cref="Sender"/> and one of its recipients not yet done contains
/// <see cref="Recipient"/>, both case-insensitively; with the <c>r</c> flag the string is a case-insensitive regular
/// expression that must match somewhere in the address instead. A run with a selection ignores retry times (queue.c's
/// force_delivery), as <c>-qf</c> would, though its log line shows no <c>f</c> unless one was given.
/// </summary>
internal sealed class QueueSelection
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private readonly Regex? _recipient;
    private readonly Regex? _sender;

    private QueueSelection(string? recipient, Regex? recipientRegex, string? sender, Regex? senderRegex)
    {
        (Recipient, _recipient, Sender, _sender) = (recipient, recipientRegex, sender, senderRegex);
    }

    public string? Recipient { get; }

    public string? Sender { get; }

    /// <summary>
    /// The selection, or null and Exim's complaint when a regular expression does not compile.
    /// </summary>
    public static QueueSelection? Create(string? recipient, bool recipientRegex, string? sender, bool senderRegex, out string? error)
    {
        error = null;
        var r = recipientRegex && recipient is not null ? Compile(recipient, ref error) : null;
        var s = senderRegex && sender is not null ? Compile(sender, ref error) : null;
        return error is null ? new QueueSelection(recipient, r, sender, s) : null;
    }

    /// <summary>Whether the run takes <paramref name="message"/>.</summary>
    public bool Matches(QueuedMessage message)
    {
        if (Sender is { } sender && !Match(_sender, sender, message.Sender)) return false;
        if (Recipient is not { } recipient) return true;
        foreach (var address in message.Recipients)
        {
            if (!message.Done.Contains(address) && Match(_recipient, recipient, address)) return true;
        }
        return false;
    }

    /// <summary>What queue.c adds to the run's Start line: <c> -R[r] string</c> and <c> -S[r] string</c>.</summary>
    public string LogText => (Recipient is { } r ? $" -R{(_recipient is null ? "" : "r")} {r}" : "")
        + (Sender is { } s ? $" -S{(_sender is null ? "" : "r")} {s}" : "");

    private static bool Match(Regex? regex, string text, string address)
    {
        if (regex is null) return address.Contains(text, StringComparison.OrdinalIgnoreCase);
        try
        {
            return regex.IsMatch(address);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private static Regex? Compile(string pattern, ref string? error)
    {
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            error = $"regular expression error in \"{pattern}\": {e.Message}";
            return null;
        }
    }
}
