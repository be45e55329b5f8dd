using Exim.Abstractions.Config;
using Exim.Abstractions.Routing;
using Microsoft.Extensions.Logging;

namespace Exim.Mail.Routing.Drivers;

/// <summary>
/// Exim's manualroute router driver: reads and checks route_list, route_data (one of them is required), host_find_failed,
/// host_all_ignored, hosts_randomize, ipv4_only, ipv4_prefer and same_domain_copy_routing when the router is created, so a
/// bad item is an error with its place at load time, never at delivery.
/// </summary>
internal sealed class ManualRouteRouterDriver(RouterHostServices services) : IRouterDriver
{
    private static readonly string[] Actions = ["freeze", "defer", "fail", "decline", "pass", "ignore"];

    public IRouter Create(RouterDefinition definition)
    {
        var o = new RouterOptionReader(definition.Options);
        var errors = new List<EximConfigException>();
        var routeList = o.List("route_list");
        if (!RouteListParser.TryParse(routeList, out var items, out var error)) errors.Add(o.Error("route_list", error));
        var routeDataText = o.String("route_data");
        RouteListItem? routeData = null;
        if (routeDataText is { Length: > 0 } data && !RouteListParser.TryParseItem(data, withPattern: false, out routeData, out error))
        {
            errors.Add(o.Error("route_data", error));
        }
        if (routeList.IsEmpty && routeDataText is null)
        {
            errors.Add(o.Error("name", $"manualroute router \"{definition.Name}\" needs route_list or route_data"));
        }
        var hostFindFailed = Action(o, "host_find_failed", "freeze", definition.Name, errors);
        var hostAllIgnored = Action(o, "host_all_ignored", "defer", definition.Name, errors);
        // Every bad option is reported at once, each at its place.
        if (errors.Count == 1) throw errors[0];
        if (errors.Count > 1) throw new AggregateException(errors);
        var settings = new ManualRouteRouter.Settings(definition.Name, definition.Transport, [.. items], routeData, hostFindFailed, hostAllIgnored,
            o.Bool("hosts_randomize"), o.Bool("ipv4_only"), o.Bool("ipv4_prefer"), o.IgnoreTargetHosts, o.Self, o.PassOnTimeout,
            o.Bool("same_domain_copy_routing"));
        return new ManualRouteRouter(settings, services, definition.LoggerFactory.CreateLogger("Exim.Routing"));
    }

    /// <summary>host_find_failed and host_all_ignored: one of Exim's actions (host_all_ignored cannot be ignore).</summary>
    private static string Action(RouterOptionReader o, string key, string fallback, string router, List<EximConfigException> errors)
    {
        var value = o.String(key) ?? fallback;
        if (!Actions.Contains(value) || (key == "host_all_ignored" && value == "ignore"))
        {
            errors.Add(o.Error(key, $"\"{value}\" is not a valid value for {key} in router \"{router}\""));
        }
        return value;
    }
}
