using System.Collections.Immutable;

namespace Exim.Abstractions.Matching;

/// <summary>The host's host-list matcher: compiles Exim host lists (see <see cref="IHostList"/> for the meaning of the items).</summary>
public interface IHostListFactory
{
    /// <summary>Compiles a host list, e.g. a main option's (<c>Main.GetList("relay_from_hosts")</c>) or a plugin's own.</summary>
    /// <param name="items">The list items, in order.</param>
    IHostList Compile(ImmutableArray<string> items);
}
