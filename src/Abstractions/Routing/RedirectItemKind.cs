namespace Exim.Abstractions.Routing;

/// <summary>What a redirection item names.</summary>
public enum RedirectItemKind
{
    /// <summary>A mail address, routed again from the first router.</summary>
    Address,

    /// <summary>A file or directory (<c>/path</c>), delivered by the item's transport (Exim's <c>file_transport</c>).</summary>
    File,

    /// <summary>A command (<c>|command</c>), delivered by the item's transport (Exim's <c>pipe_transport</c>).</summary>
    Pipe,
}
