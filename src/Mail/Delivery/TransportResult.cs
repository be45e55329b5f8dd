using System.Collections.Immutable;

namespace Exim.Mail.Delivery;

/// <summary>A transport run's outcome: each recipient's result, the hosts that failed, and the retry keys of hosts that worked.</summary>
internal sealed record TransportResult(ImmutableArray<RecipientResult> Recipients, ImmutableArray<HostFailure> HostFailures, ImmutableArray<string> HostSuccesses)
{
    public static TransportResult Of(IEnumerable<RecipientResult> recipients) => new([.. recipients], [], []);
}
