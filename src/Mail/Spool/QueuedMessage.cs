using System.Collections.Immutable;

namespace Exim.Mail.Spool;

/// <summary>A message in the queue, as -bp lists it.</summary>
internal sealed record QueuedMessage(string Id, string Sender, ImmutableArray<string> Recipients, DateTimeOffset Received, bool Frozen);
