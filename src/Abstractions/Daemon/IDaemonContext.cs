using Exim.Abstractions.Config;

namespace Exim.Abstractions.Daemon;

/// <summary>What the core lends a daemon loop.</summary>
public interface IDaemonContext
{
    /// <summary>The configuration snapshot of the loop's generation.</summary>
    EximConfig Config { get; }

    /// <summary>The generation number (1 for the first configuration loaded by this process).</summary>
    long Generation { get; }
}
