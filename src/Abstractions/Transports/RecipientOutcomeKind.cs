namespace Exim.Abstractions.Transports;

/// <summary>What happened to one recipient of a transport run.</summary>
public enum RecipientOutcomeKind
{
    /// <summary>Delivered (<c>=&gt;</c>).</summary>
    Delivered,

    /// <summary>Not delivered this time; retried by the retry rules (<c>==</c>).</summary>
    Deferred,

    /// <summary>Permanently failed; bounced (<c>**</c>).</summary>
    Failed,
}
