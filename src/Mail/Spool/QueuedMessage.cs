using System.Collections.Immutable;

namespace Exim.Mail.Spool;

/// <summary>A message in the queue, as -bp lists it; <paramref name="Done"/> holds the recipients already delivered or failed.</summary>
internal sealed record QueuedMessage(string Id, string Sender, ImmutableArray<string> Recipients, DateTimeOffset Received, bool Frozen,
    ImmutableSortedSet<string> Done);
