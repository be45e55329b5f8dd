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
    private Verdict(VerdictKind kind, string? message, string? queue = null) => (Kind, Message, Queue) = (kind, message, queue);

    /// <summary>What was decided.</summary>
    public VerdictKind Kind { get; }

    /// <summary>The reply text for Defer and Reject (without the code), or null for the default text.</summary>
    public string? Message { get; }

    /// <summary>For Accept: the named queue the connection's messages are spooled in, or null for the default queue.</summary>
    public string? Queue { get; }

    /// <summary>Let the connection through.</summary>
    public static Verdict Accept { get; } = new(VerdictKind.Accept, null);

    /// <summary>Let the connection through and spool its messages in the named queue <paramref name="queue"/>.</summary>
    /// <param name="queue">The queue's name (see <see cref="QueueNames"/>).</param>
    /// <exception cref="ArgumentException">The name cannot name a queue.</exception>
    public static Verdict AcceptToQueue(string queue)
        => QueueNames.IsValid(queue, out var why) ? new(VerdictKind.Accept, null, queue) : throw new ArgumentException($"{why}: \"{queue}\"", nameof(queue));

    /// <summary>Close the connection without a reply.</summary>
    public static Verdict Drop { get; } = new(VerdictKind.Drop, null);

    /// <summary>Refuse for now with <c>421 text</c>; a well-behaved client retries later.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    public static Verdict Defer(string? text = null) => new(VerdictKind.Defer, Clean(text));

    /// <summary>Refuse with <c>554 text</c>.</summary>
    /// <param name="text">The reply text; a line break in it is replaced by a space.</param>
    public static Verdict Reject(string? text = null) => new(VerdictKind.Reject, Clean(text));

    /// <inheritdoc />
    public override string ToString() => Queue is not null ? $"{Kind}(queue {Queue})" : Message is null ? Kind.ToString() : $"{Kind}(\"{Message}\")";

    private static string? Clean(string? text)
        => string.IsNullOrWhiteSpace(text) ? null : text.ReplaceLineEndings(" ").Trim();
}
