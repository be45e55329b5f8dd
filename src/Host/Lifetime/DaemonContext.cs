using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;

namespace Exim.Host.Lifetime;

internal sealed class DaemonContext(EximConfig config, long generation) : IDaemonContext
{
    public EximConfig Config { get; } = config;
    public long Generation { get; } = generation;
}
