using Microsoft.Extensions.Logging;

namespace Exim.Mail.Delivery;

/// <summary>Delivery and queue-run log lines, in Exim's shapes (5xxx queue, 7xxx transport).</summary>
internal static partial class DeliveryLog
{
    [LoggerMessage(5001, LogLevel.Information, "{Id} => {Address}{Detail}")]
    public static partial void Delivered(ILogger logger, string id, string address, string detail);

    [LoggerMessage(5002, LogLevel.Information, "{Id} == {Address}{Detail}")]
    public static partial void Deferred(ILogger logger, string id, string address, string detail);

    [LoggerMessage(5003, LogLevel.Information, "{Id} ** {Address}{Detail}")]
    public static partial void Failed(ILogger logger, string id, string address, string detail);

    /// <summary>A redirection with no children (redirect.c): <c>=&gt; :blackhole: &lt;address&gt; R=router</c>.</summary>
    [LoggerMessage(5025, LogLevel.Information, "{Id} => :blackhole: <{Address}> R={Router}")]
    public static partial void Discarded(ILogger logger, string id, string address, string router);

    [LoggerMessage(5004, LogLevel.Information, "{Id} Completed")]
    public static partial void Completed(ILogger logger, string id);

    [LoggerMessage(5005, LogLevel.Information, "{Id} <= <> R={Parent} U={User} P=local S={Size}")]
    public static partial void BounceCreated(ILogger logger, string id, string parent, string user, long size);

    [LoggerMessage(5006, LogLevel.Information, "{Id} Frozen{Reason}")]
    public static partial void Frozen(ILogger logger, string id, string reason);

    [LoggerMessage(5007, LogLevel.Information, "{Id} Unfrozen by forced delivery")]
    public static partial void Unfrozen(ILogger logger, string id);

    [LoggerMessage(5008, LogLevel.Information, "{Id} removed by {User}")]
    public static partial void Removed(ILogger logger, string id, string user);

    [LoggerMessage(5009, LogLevel.Information, "Start{Queue} queue run: pid={Pid}{Flags}")]
    public static partial void QueueRunStarted(ILogger logger, string queue, int pid, string flags);

    [LoggerMessage(5010, LogLevel.Information, "End{Queue} queue run: pid={Pid}{Flags}")]
    public static partial void QueueRunEnded(ILogger logger, string queue, int pid, string flags);

    [LoggerMessage(5011, LogLevel.Debug, "{Id}: spool file is locked (another process is handling this message)")]
    public static partial void Locked(ILogger logger, string id);

    [LoggerMessage(5012, LogLevel.Error, "{Id} delivery to {Transport} transport failed unexpectedly; recipients deferred")]
    public static partial void TransportCrashed(ILogger logger, string id, string transport, Exception exception);

    [LoggerMessage(5013, LogLevel.Error, "{Id} could not write the retry database")]
    public static partial void RetryWriteFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(5014, LogLevel.Error, "{Id} could not create a bounce message")]
    public static partial void BounceFailed(ILogger logger, string id, Exception exception);

    [LoggerMessage(5015, LogLevel.Debug, "{Id}: {Count} remote address(es) for the {Transport} transport left for a later run (local deliveries only)")]
    public static partial void RemoteHeld(ILogger logger, string id, int count, string transport);

    [LoggerMessage(5016, LogLevel.Information, "{Id} moved from {From} to {To} by {User}")]
    public static partial void Moved(ILogger logger, string id, string from, string to, string user);

    /// <summary>A second or later address of one delivery (Exim's <c>-&gt;</c>): eximstats counts it as an address, not a message.</summary>
    [LoggerMessage(5017, LogLevel.Information, "{Id} -> {Address}{Detail}")]
    public static partial void DeliveredAlso(ILogger logger, string id, string address, string detail);

    /// <summary>Exim's queue_action line for <c>-Mf</c>.</summary>
    [LoggerMessage(5018, LogLevel.Information, "{Id} frozen by {User}")]
    public static partial void FrozenBy(ILogger logger, string id, string user);

    /// <summary>Exim's queue_action line for <c>-Mt</c>.</summary>
    [LoggerMessage(5019, LogLevel.Information, "{Id} unfrozen by {User}")]
    public static partial void UnfrozenBy(ILogger logger, string id, string user);

    /// <summary>Exim's queue_action line for each address <c>-Mmad</c> or <c>-Mmd</c> marks delivered.</summary>
    [LoggerMessage(5020, LogLevel.Information, "{Id} address <{Address}> marked delivered by {User}")]
    public static partial void MarkedDelivered(ILogger logger, string id, string address, string user);

    /// <summary>Exim's queue_action line for each recipient <c>-Mar</c> adds.</summary>
    [LoggerMessage(5021, LogLevel.Information, "{Id} recipient <{Address}> added by {User}")]
    public static partial void RecipientAdded(ILogger logger, string id, string address, string user);

    /// <summary>Exim's queue_action line for <c>-Mes</c>.</summary>
    [LoggerMessage(5022, LogLevel.Information, "{Id} sender address changed to <{Address}> by {User}")]
    public static partial void SenderChanged(ILogger logger, string id, string address, string user);

    /// <summary>deliver.c's line for <c>-Mg</c>.</summary>
    [LoggerMessage(5023, LogLevel.Information, "{Id} cancelled by {User}")]
    public static partial void CancelledBy(ILogger logger, string id, string user);

    /// <summary>A message log that could not be written or tidied (panic log); the message itself is unaffected.</summary>
    [LoggerMessage(5024, LogLevel.Critical, "{Id} message log: {Reason}")]
    public static partial void MessageLogFailed(ILogger logger, string id, string reason);

    [LoggerMessage(7001, LogLevel.Information, "{Id} H={Host} [{Address}]{Detail}")]
    public static partial void HostFailed(ILogger logger, string id, string host, string address, string detail);
}
