using QueueNames = Exim.Abstractions.Queue.QueueNames;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// The value an accept hook returns. <c>return Verdict.Accept;</c> lets the connection through;
/// <c>Verdict.Defer("text")</c> answers <c>421 text</c>, <c>Verdict.Reject("text")</c> answers <c>554 text</c>, and
/// <c>Verdict.Drop</c> closes the connection without a word, and <c>Verdict.AcceptToQueue("bulk")</c> lets it through with
/// its messages spooled in the named queue <c>bulk</c> (Exim's ACL <c>queue</c> modifier), for runners started with
/// <c>-qGbulk/&lt;time&gt;</c>. A script that returns nothing (null) accepts.
/// </summary>
public sealed class Verdict
{
    private Verdict(VerdictKind kind, string? message, string? queue = null, bool queueOnly = false)
        => (Kind, Message, Queue, QueueOnly) = (kind, message, queue, queueOnly);

    /// <summary>What was decided.</summary>
    public VerdictKind Kind { get; }

    /// <summary>The reply text for Defer and Reject (without the code), or null for the default text.</summary>
    public string? Message { get; }

    /// <summary>For Accept: the named queue the connection's messages are spooled in, or null for the default queue.</summary>
    public string? Queue { get; }

    /// <summary>
    /// For Accept with a queue: the messages wait there for a runner of that queue (Exim's <c>control = queue_only</c>)
    /// instead of being delivered at once.
    /// </summary>
    public bool QueueOnly { get; }

    /// <summary>Let the connection through.</summary>
    public static Verdict Accept { get; } = new(VerdictKind.Accept, null);

    /// <summary>
    /// Let the connection through and spool its messages in the named queue <paramref name="queue"/>. They are delivered
    /// at once as usual unless <paramref name="queueOnly"/> (quarantine, or holding a burst for <c>-qG&lt;name&gt;/&lt;time&gt;</c>).
    /// </summary>
    /// <param name="queue">The queue's name (see <see cref="QueueNames"/>).</param>
    /// <param name="queueOnly">Leave the messages for a runner of the queue.</param>
    /// <exception cref="ArgumentException">The name cannot name a queue.</exception>
    public static Verdict AcceptToQueue(string queue, bool queueOnly = false)
        => QueueNames.IsValid(queue, out var why)
            ? new(VerdictKind.Accept, null, queue, queueOnly)
            : throw new ArgumentException($"{why}: \"{queue}\"", nameof(queue));

    /// <summary>Close the connection without a reply.</summary>
    public static Verdict Drop { get; } = new(VerdictKind.Drop, null);

    /// <summary>Refuse for now with <c>421 text</c>; a well-behaved client retries later.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    public static Verdict Defer(string? text = null) => new(VerdictKind.Defer, Clean(text));

    /// <summary>Refuse with <c>554 text</c>.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    public static Verdict Reject(string? text = null) => new(VerdictKind.Reject, Clean(text));

    /// <inheritdoc />
    public override string ToString() => Queue is not null ? $"{Kind}(queue {Queue}{(QueueOnly ? ", queue only" : "")})" : Message is null ? Kind.ToString() : $"{Kind}(\"{Message}\")";

    private static string? Clean(string? text)
        => string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings(" ").Trim();
}
