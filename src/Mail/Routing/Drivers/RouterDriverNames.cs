namespace Exim.Mail.Routing.Drivers;

/// <summary>The names of the router drivers the host registers itself (<c>driver =</c> in a <c>[[routers]]</c> table).</summary>
internal static class RouterDriverNames
{
    public const string Accept = "accept";
    public const string DnsLookup = "dnslookup";
    public const string ManualRoute = "manualroute";
}
