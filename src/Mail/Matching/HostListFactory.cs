using System.Collections.Immutable;
using Exim.Abstractions.Matching;

namespace Exim.Mail.Matching;

/// <summary>The host-list service offered to plugins and scripts: compiles with the core's own <see cref="HostList"/>.</summary>
internal sealed class HostListFactory : IHostListFactory
{
    public static HostListFactory Instance { get; } = new();

    private HostListFactory()
    {
    }

    public IHostList Compile(ImmutableArray<string> items) => items.IsDefaultOrEmpty ? HostList.Empty : new HostList(items);
}
