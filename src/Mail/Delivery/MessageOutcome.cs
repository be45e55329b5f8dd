namespace Exim.Mail.Delivery;

/// <summary>What one delivery attempt of a message came to.</summary>
internal enum MessageOutcome
{
    /// <summary>Every recipient delivered or failed; the spool files are gone.</summary>
    Completed,
    /// <summary>Some recipients remain for a later attempt.</summary>
    Deferred,
    /// <summary>Frozen, and this attempt did not thaw it.</summary>
    Frozen,
    /// <summary>Another process holds the message.</summary>
    Locked,
    NotFound,
    /// <summary>Not a first delivery any more (another process tried it since it was listed), and only those were wanted (-qi).</summary>
    NotFirstDelivery,
}
