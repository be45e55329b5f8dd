namespace Exim.Host.Cli;

/// <summary>The recipients <c>-bp</c> shows, as Exim's queue_list option.</summary>
internal enum QueueListKind
{
    /// <summary>-bp: every envelope recipient, a delivered one marked <c>D</c>.</summary>
    Basic,

    /// <summary>-bpu: only the envelope recipients not yet delivered.</summary>
    UndeliveredOnly,

    /// <summary>-bpa: as -bp, plus delivered addresses that are not envelope recipients (generated ones), marked <c>+D</c>.</summary>
    PlusGenerated,
}
