using System.Collections.Immutable;
using QueueNames = Exim.Abstractions.Queue.QueueNames;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// What a hook or a stage policy returns.
/// <list type="bullet">
/// <item><c>Verdict.Accept</c> lets the connection, command or message through; a script that returns null accepts.</item>
/// <item><c>Verdict.Defer("text")</c> refuses for now: <c>421 text</c> and close at connect, the stage's code after the banner
/// (Exim's 451 at HELO, MAIL, RCPT, DATA and after DATA). Without a text Exim's <c>Temporary local problem - please try later</c>.</item>
/// <item><c>Verdict.Reject("text")</c> refuses: <c>554 text</c> and close at connect, the stage's code after the banner (Exim's 550).
/// Without a text Exim's <c>Administrative prohibition</c>.</item>
/// <item><c>Verdict.Drop</c> closes the connection: without a word at connect; after the banner as Exim's drop, with the
/// stage's 550 first (<c>Verdict.DropWith("text", code: 421)</c> for another reply).</item>
/// <item><c>Verdict.Discard</c> accepts and throws away, as Exim's discard: at Rcpt that recipient, at Mail and Data the
/// whole message; the client sees success, the log says so. Not allowed at connect, HELO and predata (the stage defers).</item>
/// </list>
/// Defer, Reject and DropWith take an optional extended status code (<c>status: "5.7.1"</c>, sent after the code as in
/// <c>550 5.7.1 text</c>) and an optional own code of the same class (<c>code: 554</c>).
/// Modifiers, for Accept: <see cref="AddHeader"/> and <see cref="RemoveHeader"/> (from Mail to Data; the spooled -H file
/// carries them, so deliveries see them), <see cref="InQueue"/> (a named queue), <see cref="WithQueueOnly"/> (no
/// immediate delivery), <see cref="Freeze"/>, and <see cref="WithLog"/>: a main-log line of the script's own (with
/// Defer, Reject, Drop and Discard it is what the log line gives as the reason, Exim's <c>log_message</c>).
/// </summary>
public sealed class Verdict
{
    private Verdict(VerdictKind kind, string? message, string? queue = null, bool queueOnly = false, int? code = null, string? status = null,
        ImmutableArray<string> addedHeaders = default, ImmutableArray<string> removedHeaders = default, bool frozen = false, string? logText = null)
    {
        Kind = kind;
        Message = message;
        Queue = queue;
        QueueOnly = queueOnly;
        Code = code;
        Status = status;
        AddedHeaders = addedHeaders.IsDefault ? [] : addedHeaders;
        RemovedHeaders = removedHeaders.IsDefault ? [] : removedHeaders;
        Frozen = frozen;
        LogText = logText;
    }

    /// <summary>What was decided.</summary>
    public VerdictKind Kind { get; }

    /// <summary>The reply text for Defer, Reject and Drop (without the code), or null for the default text.</summary>
    public string? Message { get; }

    /// <summary>The script's own reply code (same class as the default), or null for the stage's default.</summary>
    public int? Code { get; }

    /// <summary>The extended status code sent after the reply code (<c>5.7.1</c>), or null.</summary>
    public string? Status { get; }

    /// <summary>For Accept: the named queue the message (at connect: the connection's messages) goes to, or null for the default queue.</summary>
    public string? Queue { get; }

    /// <summary>
    /// For Accept: the messages wait in their queue for a runner (Exim's <c>control = queue_only</c>) instead of being
    /// delivered at once.
    /// </summary>
    public bool QueueOnly { get; }

    /// <summary>For Accept: header lines to add at the end of the header section (<c>Name: value</c>).</summary>
    public ImmutableArray<string> AddedHeaders { get; }

    /// <summary>For Accept: names of headers to remove (every header of each name).</summary>
    public ImmutableArray<string> RemovedHeaders { get; }

    /// <summary>For Accept: the message is frozen on arrival (Exim's <c>control = freeze</c>).</summary>
    public bool Frozen { get; }

    /// <summary>A log line of the script's own (Accept), or the reason the log gives (the other verdicts), or null.</summary>
    public string? LogText { get; }

    /// <summary>Let the connection, command or message through.</summary>
    public static Verdict Accept { get; } = new(VerdictKind.Accept, null);

    /// <summary>
    /// Let the connection through and spool its messages in the named queue <paramref name="queue"/>. They are delivered
    /// at once as usual unless <paramref name="queueOnly"/> (quarantine, or holding a burst for <c>-qG&lt;name&gt;/&lt;time&gt;</c>).
    /// </summary>
    /// <param name="queue">The queue's name (see <see cref="QueueNames"/>).</param>
    /// <param name="queueOnly">Leave the messages for a runner of the queue.</param>
    /// <exception cref="ArgumentException">The name cannot name a queue.</exception>
    public static Verdict AcceptToQueue(string queue, bool queueOnly = false) => Accept.InQueue(queue, queueOnly);

    /// <summary>Close the connection (see the class summary for the reply after the banner).</summary>
    public static Verdict Drop { get; } = new(VerdictKind.Drop, null);

    /// <summary>Accept and throw away (see the class summary).</summary>
    public static Verdict Discard { get; } = new(VerdictKind.Discard, null);

    /// <summary>Refuse for now; a well-behaved client retries later.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    /// <param name="status">An extended status code such as <c>4.7.1</c>, or null.</param>
    /// <param name="code">A 4xx code of the script's own, or null for the stage's (421 at connect, else 451).</param>
    /// <exception cref="ArgumentException">The code is not 4xx, or the status is not <c>4.x.y</c>.</exception>
    public static Verdict Defer(string? text = null, string? status = null, int? code = null)
        => new(VerdictKind.Defer, Clean(text), code: CheckCode(code, 4, 4), status: CheckStatus(status, code ?? 451));

    /// <summary>Refuse.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    /// <param name="status">An extended status code such as <c>5.7.1</c>, or null.</param>
    /// <param name="code">A 5xx code of the script's own, or null for the stage's (554 at connect, else 550).</param>
    /// <exception cref="ArgumentException">The code is not 5xx, or the status is not <c>5.x.y</c>.</exception>
    public static Verdict Reject(string? text = null, string? status = null, int? code = null)
        => new(VerdictKind.Reject, Clean(text), code: CheckCode(code, 5, 5), status: CheckStatus(status, code ?? 550));

    /// <summary>Close the connection after a reply of the script's choosing (after the banner; at connect it closes without one).</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    /// <param name="status">An extended status code of the code's class, or null.</param>
    /// <param name="code">A 4xx or 5xx code, or null for the stage's 550.</param>
    /// <exception cref="ArgumentException">The code is not 4xx or 5xx, or the status does not match it.</exception>
    public static Verdict DropWith(string? text = null, string? status = null, int? code = null)
        => new(VerdictKind.Drop, Clean(text), code: CheckCode(code, 4, 5), status: CheckStatus(status, code ?? 550));

    /// <summary>Adds a header line at the end of the message's header section (Exim's <c>add_header</c>).</summary>
    /// <param name="name">The header name (printable ASCII, no colon).</param>
    /// <param name="value">Its value; a line break must be followed by a space or a tab (a folded header).</param>
    /// <exception cref="ArgumentException">The name or the value cannot make a header line.</exception>
    public Verdict AddHeader(string name, string value)
    {
        CheckHeaderName(name);
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Replace("\r\n", "\n", StringComparison.Ordinal);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\r' || text[i] == '\0' || (text[i] == '\n' && (i + 1 >= text.Length || text[i + 1] is not (' ' or '\t'))))
            {
                throw new ArgumentException("a header value's line break must be followed by a space or a tab", nameof(value));
            }
        }
        return With(addedHeaders: AddedHeaders.Add($"{name}: {text}"));
    }

    /// <summary>Removes every header called <paramref name="name"/> from the message (Exim's <c>remove_header</c>).</summary>
    /// <param name="name">The header name, compared without regard to case.</param>
    /// <exception cref="ArgumentException">The name cannot name a header.</exception>
    public Verdict RemoveHeader(string name)
    {
        CheckHeaderName(name);
        return With(removedHeaders: RemovedHeaders.Add(name));
    }

    /// <summary>Puts the message (at connect: the connection's messages) in the named queue <paramref name="queue"/> (Exim's <c>queue</c> modifier).</summary>
    /// <param name="queue">The queue's name (see <see cref="QueueNames"/>).</param>
    /// <param name="queueOnly">Also leave the message for a runner of the queue.</param>
    /// <exception cref="ArgumentException">The name cannot name a queue.</exception>
    public Verdict InQueue(string queue, bool queueOnly = false)
        => QueueNames.IsValid(queue, out var why)
            ? With(queue: queue, queueOnly: queueOnly || QueueOnly)
            : throw new ArgumentException($"{why}: \"{queue}\"", nameof(queue));

    /// <summary>No immediate delivery: the message waits for a queue run (Exim's <c>control = queue_only</c>).</summary>
    public Verdict WithQueueOnly() => With(queueOnly: true);

    /// <summary>Freezes the message on arrival (Exim's <c>control = freeze</c>).</summary>
    public Verdict Freeze() => With(frozen: true);

    /// <summary>A main-log line of the script's own with Accept; the reason in the log line with the other verdicts.</summary>
    /// <param name="text">The text; a line break in it is replaced by a space.</param>
    public Verdict WithLog(string text) => With(logText: Clean(text));

    /// <inheritdoc />
    public override string ToString()
    {
        var text = Message is null ? Kind.ToString() : $"{Kind}(\"{Message}\")";
        if (Queue is not null) text += $"(queue {Queue}{(QueueOnly ? ", queue only" : "")})";
        else if (QueueOnly) text += "(queue only)";
        if (!AddedHeaders.IsEmpty) text += $" +{string.Join(" +", AddedHeaders)}";
        if (!RemovedHeaders.IsEmpty) text += $" -{string.Join(" -", RemovedHeaders)}";
        if (Frozen) text += " frozen";
        return text;
    }

    private Verdict With(string? queue = null, bool? queueOnly = null, ImmutableArray<string> addedHeaders = default,
        ImmutableArray<string> removedHeaders = default, bool? frozen = null, string? logText = null)
        => new(Kind, Message, queue ?? Queue, queueOnly ?? QueueOnly, Code, Status,
            addedHeaders.IsDefault ? AddedHeaders : addedHeaders,
            removedHeaders.IsDefault ? RemovedHeaders : removedHeaders,
            frozen ?? Frozen, logText ?? LogText);

    private static string? Clean(string? text)
        => string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings(" ").Trim();

    private static int? CheckCode(int? code, int lowClass, int highClass)
    {
        if (code is { } c && (c < lowClass * 100 || c >= (highClass + 1) * 100))
        {
            throw new ArgumentOutOfRangeException(nameof(code), c, lowClass == highClass ? $"the code must be {lowClass}xx" : $"the code must be {lowClass}xx or {highClass}xx");
        }
        return code;
    }

    private static string? CheckStatus(string? status, int code)
    {
        if (status is null) return null;
        var parts = status.Split('.');
        var ok = parts.Length == 3 && parts[0].Length == 1 && parts[0][0] == (char)('0' + code / 100)
            && parts[1].Length is >= 1 and <= 3 && parts[1].All(char.IsAsciiDigit)
            && parts[2].Length is >= 1 and <= 3 && parts[2].All(char.IsAsciiDigit);
        return ok ? status : throw new ArgumentException($"an extended status code for a {code / 100}xx reply looks like {code / 100}.7.1: \"{status}\"", nameof(status));
    }

    private static void CheckHeaderName(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        foreach (var c in name)
        {
            if (c is <= ' ' or > '~' or ':') throw new ArgumentException($"not a header name: \"{name}\"", nameof(name));
        }
    }
}
