namespace Exim.Abstractions.Matching;

/// <summary>The outcome of matching a host list (Exim's OK, FAIL and DEFER).</summary>
public enum HostListMatch
{
    /// <summary>The host is not in the list.</summary>
    NoMatch,
    /// <summary>The host is in the list.</summary>
    Match,
    /// <summary>A name lookup failed temporarily before anything decided.</summary>
    Defer,
}
