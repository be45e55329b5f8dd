using System.Collections.Immutable;

namespace Exim.Mail.Spool;

/// <summary>
/// A message in the queue, as -bp lists it; <paramref name="Done"/> holds the recipients already delivered or failed,
/// <paramref name="FirstTime"/> says no delivery attempt has been made yet, and <paramref name="HeaderSize"/> is the bytes of
/// the headers that are sent (Exim's header count for the message size: all but those flagged <c>*</c>).
/// </summary>
internal sealed record QueuedMessage(string Id, string Sender, ImmutableArray<string> Recipients, DateTimeOffset Received, bool Frozen,
    ImmutableSortedSet<string> Done, bool FirstTime = false, long HeaderSize = 0)
{
    /// <summary>The directory its files are in (the queue's input directory or a split subdirectory of it), when listed.</summary>
    public string InputDirectory { get; init; } = "";
}
