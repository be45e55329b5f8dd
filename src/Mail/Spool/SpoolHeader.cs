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
    /// <summary>Exim's option line for a message no delivery has been attempted for yet (what <c>-qi</c> selects).</summary>
    public const string FirstTimeOption = "-deliver_firsttime";

    /// <summary>The uid and gid after the login on the file's second line (Exim's originator_uid and originator_gid).</summary>
    public string LoginIds { get; init; } = "0 0";

    public bool Frozen => FrozenAt is not null;

    /// <summary>Whether no delivery attempt has finished for this message yet.</summary>
    public bool FirstTime => Options.Contains(FirstTimeOption);

    /// <summary>This header after a delivery attempt: no longer a first delivery.</summary>
    public SpoolHeader Tried() => FirstTime ? this with { Options = Options.Remove(FirstTimeOption) } : this;

    /// <summary>The recipients still to be delivered, in envelope order.</summary>
    public ImmutableArray<string> Pending => [.. Recipients.Where(r => !NonRecipients.Contains(r))];
}
