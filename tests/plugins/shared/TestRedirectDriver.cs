using System.Collections.Immutable;
using Exim.Abstractions.Routing;

namespace Exim.TestPlugin;

/// <summary>
/// A router driver for the routing core's tests (the real redirect router is a plugin of its own): its <c>aliases</c>
/// option lists <c>local-part: item, item</c> lines; an item is an address, <c>|command</c> (a pipe, for the
/// <c>pipe_transport</c> option's transport), <c>/path</c> (a file, for <c>file_transport</c>) or <c>:blackhole:</c>.
/// A local part not listed is declined.
/// </summary>
public sealed class TestRedirectDriver : IRouterDriver
{
    public IRouter Create(RouterDefinition definition)
    {
        var aliases = new Dictionary<string, ImmutableArray<RedirectItem>>(StringComparer.OrdinalIgnoreCase);
        var pipe = definition.Options.GetString("pipe_transport");
        var file = definition.Options.GetString("file_transport");
        foreach (var line in definition.Options.GetList("aliases") ?? [])
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0) throw definition.Options.Invalid("aliases", $"\"{line}\" is not \"name: items\"");
            var items = line[(colon + 1)..].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Where(i => i != ":blackhole:")
                .Select(i => i[0] switch
                {
                    '|' => new RedirectItem(RedirectItemKind.Pipe, i[1..], pipe),
                    '/' => new RedirectItem(RedirectItemKind.File, i, file),
                    _ => new RedirectItem(RedirectItemKind.Address, i),
                });
            aliases[line[..colon].Trim()] = [.. items];
        }
        return new Router(aliases);
    }

    private sealed class Router(Dictionary<string, ImmutableArray<RedirectItem>> aliases) : IRouter
    {
        public ValueTask<RouterResult> RouteAsync(RoutingRequest request, CancellationToken cancellationToken)
            => ValueTask.FromResult(aliases.TryGetValue(request.LocalPart, out var items)
                ? RouterResult.Redirect([.. items.Select(i => i.Kind == RedirectItemKind.Address && !i.Value.Contains('@', StringComparison.Ordinal)
                    ? i with { Value = $"{i.Value}@{request.Domain}" } : i)])
                : RouterResult.Decline());
    }
}
