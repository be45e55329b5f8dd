namespace Exim.Plugins.Redirect;

/// <summary>What a redirection list came to (Exim's <c>FF_*</c> codes from <c>parse_forward_list</c>).</summary>
internal enum ForwardOutcome
{
    /// <summary>Items were generated.</summary>
    Delivered,

    /// <summary>Nothing was generated (an empty list or only comments): the router declines.</summary>
    NotDelivered,

    /// <summary><c>:blackhole:</c>: the address is discarded.</summary>
    Blackhole,

    /// <summary><c>:defer:</c>, with its text.</summary>
    Defer,

    /// <summary><c>:fail:</c>, with its text.</summary>
    Fail,

    /// <summary>An <c>:include:</c> file could not be read.</summary>
    IncludeFail,

    /// <summary>A syntax error or a forbidden item.</summary>
    Error,
}
