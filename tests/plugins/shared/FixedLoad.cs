using Exim.Abstractions.Daemon;

namespace Exim.TestPlugin;

internal sealed class FixedLoad(int load) : ISystemLoad
{
    public int LoadAverage => load;
}
