namespace Exim.Abstractions.Routing;

/// <summary>One child of a redirection.</summary>
/// <param name="Kind">An address, a file or a pipe.</param>
/// <param name="Value">The address, the absolute path, or the command (without the <c>|</c>).</param>
/// <param name="Transport">For a file or pipe: the transport that delivers it (required). Ignored for an address.</param>
public sealed record RedirectItem(RedirectItemKind Kind, string Value, string? Transport = null)
{
    /// <summary>
    /// For a child the router refuses on its own (Exim's per-item failures, such as <c>delivery to pipe forbidden</c>): the
    /// message it fails with, as a bounce and <c>**</c> line naming only this child; its siblings are still delivered.
    /// Null (the default) for a child to deliver. Build one with <see cref="Failed"/>.
    /// </summary>
    public string? Failure { get; init; }

    /// <summary>
    /// A child that fails with <paramref name="message"/> without being routed or delivered, while the other children of the
    /// same redirection go on. <paramref name="transport"/> is the transport it would have gone to, for the log line.
    /// </summary>
    public static RedirectItem Failed(RedirectItemKind kind, string value, string message, string? transport = null)
        => new(kind, value, transport) { Failure = message };
}
