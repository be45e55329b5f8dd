using System.Collections.Immutable;

namespace Exim.Mail.Delivery;

/// <summary>A transport run's outcome: each recipient's result, the hosts that failed, and the retry keys of hosts that worked.</summary>
internal sealed record TransportRunResult(ImmutableArray<RecipientResult> Recipients, ImmutableArray<HostFailure> HostFailures, ImmutableArray<string> HostSuccesses)
{
    public static TransportRunResult Of(IEnumerable<RecipientResult> recipients) => new([.. recipients], [], []);
}
