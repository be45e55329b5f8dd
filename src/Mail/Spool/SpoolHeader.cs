using System.Collections.Immutable;

namespace Exim.Mail.Spool;

/// <summary>
/// Everything in a -H file, so a delivery can rewrite it: the envelope, the <c>-name value</c> option lines it does not
/// interpret (kept as they were), the frozen mark, the non-recipients (recipients already delivered or failed), the
/// recipients and the headers.
/// </summary>
internal sealed record SpoolHeader(
    string Id,
    string Login,
    string Sender,
    DateTimeOffset Received,
    int Warnings,
    ImmutableArray<string> Options,
    DateTimeOffset? FrozenAt,
    ImmutableSortedSet<string> NonRecipients,
    ImmutableArray<string> Recipients,
    ImmutableArray<SpoolHeaderLine> Headers)
{
    public bool Frozen => FrozenAt is not null;

    /// <summary>The recipients still to be delivered, in envelope order.</summary>
    public ImmutableArray<string> Pending => [.. Recipients.Where(r => !NonRecipients.Contains(r))];
}
