using Exim.Abstractions.Resolution;

namespace Exim.Mail.Resolution;

/// <summary>A resolver seen through the shared cache; build one per lookup with the current generation's resolver.</summary>
internal sealed class CachingDnsResolver(HostCache cache, IDnsRecordResolver resolver) : IDnsRecordResolver
{
    public ValueTask<DnsAnswer> QueryAsync(DnsQuestion question, CancellationToken cancellationToken)
        => cache.QueryAsync(resolver, question, cancellationToken);
}
