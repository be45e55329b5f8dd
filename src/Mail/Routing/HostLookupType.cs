namespace Exim.Mail.Routing;

/// <summary>How the names in a host list are looked up: Exim's default (DNS, then the system resolver when DNS finds nothing), <c>byname</c> or <c>bydns</c>.</summary>
internal enum HostLookupType
{
    Default,
    ByName,
    ByDns,
}
