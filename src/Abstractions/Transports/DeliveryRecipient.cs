namespace Exim.Abstractions.Transports;

/// <summary>One recipient of a transport run.</summary>
/// <param name="Address">The address delivered to: a mail address, or for a redirected file or pipe, <c>/path</c> or <c>|command</c>.</param>
/// <param name="LocalPart">Exim's <c>$local_part</c> (the local part of the address; for a file or pipe, its parent's).</param>
/// <param name="Domain">Exim's <c>$domain</c> (lower case; for a file or pipe, its parent's).</param>
/// <param name="OriginalAddress">The original recipient it was redirected from (Exim's <c>$original_local_part@$original_domain</c>), or null when it is one.</param>
/// <param name="Router">The router that routed it.</param>
public sealed record DeliveryRecipient(string Address, string LocalPart, string Domain, string? OriginalAddress, string Router)
{
    /// <summary>
    /// What the address is: a mail address, or a file or pipe a redirection generated. Only a
    /// <see cref="Routing.RedirectItemKind.Pipe"/> recipient's address is a command: an SMTP recipient may also start with <c>|</c>.
    /// </summary>
    public Routing.RedirectItemKind Kind { get; init; } = Routing.RedirectItemKind.Address;
}
