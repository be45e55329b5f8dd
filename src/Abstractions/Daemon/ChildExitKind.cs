namespace Exim.Abstractions.Daemon;

/// <summary>What kind of child ended.</summary>
public enum ChildExitKind
{
    /// <summary>An SMTP session (a task in the daemon).</summary>
    SmtpSession,
    /// <summary>A delivery.</summary>
    Delivery,
    /// <summary>A queue-runner process.</summary>
    QueueRunner,
}
