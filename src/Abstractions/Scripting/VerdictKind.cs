namespace Exim.Abstractions.Scripting;

/// <summary>What a hook or a stage policy decided.</summary>
public enum VerdictKind
{
    /// <summary>Carry on: send the banner, or accept the command.</summary>
    Accept,
    /// <summary>Refuse for now: 421 and close at connect; the stage's 4xx (Exim's 451) after the banner.</summary>
    Defer,
    /// <summary>Refuse: 554 and close at connect; the stage's 5xx (Exim's 550) after the banner.</summary>
    Reject,
    /// <summary>Close: without a reply at connect; after the banner, Exim's drop: the stage's 5xx, then close.</summary>
    Drop,
    /// <summary>Accept and throw away (Exim's discard): a recipient at Rcpt, every recipient at Mail and Data.</summary>
    Discard,
}
