namespace Exim.Abstractions.Routing;

/// <summary>One child of a redirection.</summary>
/// <param name="Kind">An address, a file or a pipe.</param>
/// <param name="Value">The address, the absolute path, or the command (without the <c>|</c>).</param>
/// <param name="Transport">For a file or pipe: the transport that delivers it (required). Ignored for an address.</param>
public sealed record RedirectItem(RedirectItemKind Kind, string Value, string? Transport = null);
