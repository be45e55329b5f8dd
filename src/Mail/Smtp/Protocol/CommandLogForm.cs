using System.Text;

namespace Exim.Mail.Smtp.Protocol;

/// <summary>
/// The one place that decides how a client's command line may appear in a log line: as it came, except an AUTH line,
/// which is shown as <c>AUTH &lt;mechanism&gt;</c> (as Exim shows it), so an initial response (PLAIN's base64 of the
/// password) never reaches the main or the reject log. For input seen ahead of its turn (the synchronization error's
/// "next input" excerpt), the first AUTH line is cut the same way and nothing after it is shown: what follows may be
/// the client's pipelined responses to the 334 challenges, which are credentials too.
/// </summary>
internal static class CommandLogForm
{
    /// <summary>SASL's longest mechanism name (RFC 4422): anything longer is not a mechanism and is cut.</summary>
    private const int MaxMechanism = 20;

    /// <summary>The log form of one command line (client bytes held as Latin-1, one char per byte).</summary>
    public static string Of(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        return TryAuth(line, out var shown) ? shown : line;
    }

    /// <summary>
    /// The log form of the first <paramref name="max"/> bytes of input read ahead, still raw (the caller makes it printing):
    /// lines as they came, up to the first AUTH line, which ends the excerpt in its <c>AUTH &lt;mechanism&gt;</c> form.
    /// </summary>
    public static string Excerpt(ReadOnlySpan<byte> input, int max)
    {
        var text = Encoding.Latin1.GetString(input[..Math.Min(input.Length, max)]);
        for (var start = 0; start < text.Length;)
        {
            var end = text.IndexOf('\n', start);
            var line = end < 0 ? text[start..] : text[start..end];
            if (TryAuth(line.TrimEnd('\r'), out var shown)) return text[..start] + shown;
            if (end < 0) break;
            start = end + 1;
        }
        return text;
    }

    /// <summary>
    /// True for an AUTH command line, by a looser test than the parser's (leading white space, a TAB after the verb),
    /// so a line the session takes for an unknown command is not logged with its credentials either.
    /// </summary>
    private static bool TryAuth(string line, out string shown)
    {
        shown = "";
        var rest = line.AsSpan().TrimStart(" \t");
        if (rest.Length < 4 || !rest[..4].Equals("AUTH", StringComparison.OrdinalIgnoreCase) || (rest.Length > 4 && rest[4] is not (' ' or '\t')))
        {
            return false;
        }
        rest = rest[4..].TrimStart(" \t");
        var space = rest.IndexOfAny(' ', '\t');
        var mechanism = space < 0 ? rest : rest[..space];
        shown = mechanism.IsEmpty ? "AUTH"
            : mechanism.Length <= MaxMechanism ? string.Concat("AUTH ", mechanism)
            : string.Concat("AUTH ", mechanism[..MaxMechanism], "...");
        return true;
    }
}
