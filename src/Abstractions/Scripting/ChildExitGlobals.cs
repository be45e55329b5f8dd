using Exim.Abstractions.Daemon;
using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;

namespace Exim.Abstractions.Scripting;

/// <summary>
/// What a child-exit hook (<c>[hooks] child_exit</c>) sees: the child that ended. Its return value is ignored; it
/// runs after the child has been reaped, off the accept path.
/// </summary>
public sealed class ChildExitGlobals : ScriptGlobals
{
    /// <summary>Creates the globals for one invocation.</summary>
    /// <param name="child">The child that ended.</param>
    /// <param name="queue">Queue-run requests.</param>
    /// <param name="main">The main options.</param>
    /// <param name="hostLists">The host's host-list matching.</param>
    /// <param name="log">The script's log.</param>
    /// <param name="cancellation">The time budget.</param>
    public ChildExitGlobals(ChildExitEvent child, IQueueControl queue, IMainOptionsView main, IHostListFactory hostLists, IScriptLog log,
        CancellationToken cancellation)
        : base(main, hostLists, log, cancellation)
        => (Child, Queue) = (child, queue);

    /// <summary>
    /// The child: its <c>Kind</c> (SmtpSession, Delivery, QueueRunner), <c>Id</c>, <c>ProcessId</c>, <c>Client</c>,
    /// <c>Outcome</c> (sessions: Quit, Timeout, Dropped, Closed, Error), <c>ExitCode</c> and <c>Signal</c>
    /// (processes), <c>Duration</c> and <c>Messages</c>.
    /// </summary>
    public ChildExitEvent Child { get; }

    /// <summary>Asks for queue runs.</summary>
    public IQueueControl Queue { get; }
}
