namespace Exim.Abstractions.Resolution;

/// <summary>
/// Answers DNS questions (registered under the key <see cref="Plugins.StrategyKeys.Dns"/>). Implementations map every failure to a
/// <see cref="DnsStatus"/>; they do not throw for network or protocol errors, and treat timeouts and SERVFAIL
/// as <see cref="DnsStatus.Again"/>.
/// </summary>
public interface IDnsRecordResolver
{
    /// <summary>Looks up one question.</summary>
    /// <param name="question">What to look up.</param>
    /// <param name="cancellationToken">Cancels the lookup.</param>
    ValueTask<DnsAnswer> QueryAsync(DnsQuestion question, CancellationToken cancellationToken);
}
