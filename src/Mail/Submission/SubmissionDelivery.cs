namespace Exim.Mail.Submission;

/// <summary>What happens to a locally submitted message once it is spooled: Exim's <c>-od</c> options.</summary>
internal enum SubmissionDelivery : byte
{
    /// <summary>No <c>-od</c> option: <c>queue_only</c> decides, else as <see cref="Background"/>.</summary>
    Default,

    /// <summary><c>-odb</c>: delivery starts at once, and the command returns without waiting for it.</summary>
    Background,

    /// <summary><c>-odi</c> (or <c>-odf</c>): the delivery attempt ends before the command returns.</summary>
    Interactive,

    /// <summary><c>-odq</c>: the message waits for the next queue run.</summary>
    QueueOnly,
}
