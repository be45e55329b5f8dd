namespace Exim.Host.Generations;

/// <summary>Keeps a generation alive while work started on it is in progress.</summary>
internal sealed class GenerationLease : IDisposable
{
    private Generation? _generation;

    public GenerationLease(Generation generation) => _generation = generation;

    public Generation Generation => _generation ?? throw new ObjectDisposedException(nameof(GenerationLease));

    public void Dispose() => Interlocked.Exchange(ref _generation, null)?.Release();
}
