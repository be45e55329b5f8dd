using MimeKit;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// The message at the <c>data</c> stage: it is in the spool (its -D file written) but not yet committed. The body is
/// read from the spool file, never held in memory.
/// </summary>
public abstract class StageMessage
{
    /// <summary>Exim's message id (<c>$message_exim_id</c>), as in the log lines.</summary>
    public abstract string Id { get; }

    /// <summary>
    /// The header section as received, with our Received: line first, parsed by MimeKit. Changing this list changes
    /// nothing: add and remove headers with the verdict's modifiers (<see cref="Verdict.AddHeader"/>, <see cref="Verdict.RemoveHeader"/>).
    /// </summary>
    public abstract HeaderList Headers { get; }

    /// <summary>The message's size as the <c>S=</c> of its log line counts it (Exim's <c>$message_size</c>).</summary>
    public abstract long Size { get; }

    /// <summary>Lines in the body (Exim's <c>$body_linecount</c>).</summary>
    public abstract int BodyLines { get; }

    /// <summary>
    /// A read-only stream over the body (after the blank line; lines end in LF), reading the spool file. Each call opens a
    /// new stream; all are closed when the stage ends.
    /// </summary>
    public abstract Stream OpenBody();
}
