using System.Collections.Concurrent;

namespace Exim.Host.Control;

/// <summary>
/// Queue runners and deliveries started by other commands, each listed while its control connection is open (the
/// kernel closes it when the process ends, so nothing goes stale). At most <see cref="ControlProtocol.MaxRegistrations"/>.
/// </summary>
internal sealed class RegisteredProcesses
{
    private readonly ConcurrentDictionary<RegisteredProcess, byte> _current = new(ReferenceEqualityComparer.Instance);
    private int _count;

    public IReadOnlyCollection<RegisteredProcess> Current => [.. _current.Keys];

    /// <summary>Adds a registration; false when the table is full.</summary>
    public bool TryAdd(RegisteredProcess process)
    {
        if (Interlocked.Increment(ref _count) > ControlProtocol.MaxRegistrations)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _current[process] = 0;
        return true;
    }

    public void Remove(RegisteredProcess process)
    {
        if (_current.TryRemove(process, out _)) Interlocked.Decrement(ref _count);
    }
}
