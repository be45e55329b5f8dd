namespace Exim.Abstractions.Daemon;

/// <summary>The limits' decision about one connection: admit it (maybe queue-only), or refuse it with a reply.</summary>
/// <param name="Admit">True to run the session.</param>
/// <param name="Reply">For a refusal: the whole reply line, e.g. <c>421 Too many concurrent SMTP connections; please try again later.</c></param>
/// <param name="QueueOnly">For an admitted connection: why its messages must only be queued (smtp_accept_queue), or null.</param>
public readonly record struct AdmissionDecision(bool Admit, string? Reply, string? QueueOnly)
{
    /// <summary>Admit the connection.</summary>
    /// <param name="queueOnly">Why its messages must only be queued, or null.</param>
    public static AdmissionDecision Accept(string? queueOnly) => new(true, null, queueOnly);

    /// <summary>Refuse the connection.</summary>
    /// <param name="reply">The reply line to send before closing.</param>
    public static AdmissionDecision Refuse(string reply) => new(false, reply, null);
}
