using System.Collections.Immutable;

namespace Exim.Abstractions.Transports;

/// <summary>A transport run's outcome: one <see cref="RecipientOutcome"/> per recipient given.</summary>
/// <param name="Recipients">The outcomes; a recipient without one is deferred by the core ("transport gave no result").</param>
public sealed record TransportResult(ImmutableArray<RecipientOutcome> Recipients);
