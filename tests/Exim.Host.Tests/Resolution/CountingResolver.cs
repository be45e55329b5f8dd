using Exim.Abstractions.Resolution;

namespace Exim.Host.Tests.Resolution;

/// <summary>The real resolver, counting the questions that reach it.</summary>
internal sealed class CountingResolver(IDnsRecordResolver inner) : IDnsRecordResolver
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<DnsAnswer> QueryAsync(DnsQuestion question, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.QueryAsync(question, cancellationToken);
    }
}
