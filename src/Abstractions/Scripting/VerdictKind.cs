namespace Exim.Abstractions.Scripting;

/// <summary>What an accept hook decided.</summary>
public enum VerdictKind
{
    /// <summary>Carry on: send the banner.</summary>
    Accept,
    /// <summary>Refuse for now: 421 and close.</summary>
    Defer,
    /// <summary>Refuse: 554 and close.</summary>
    Reject,
    /// <summary>Close without a reply.</summary>
    Drop,
}
