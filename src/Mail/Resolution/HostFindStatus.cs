namespace Exim.Mail.Resolution;

/// <summary>Exim's host-layer results (spec §2.1).</summary>
internal enum HostFindStatus
{
    /// <summary>At least one usable address; this host is not among the most preferred.</summary>
    Found,
    /// <summary>This host is in the lowest-numbered MX group (or is the host, without MX); the router applies <c>self</c>.</summary>
    FoundLocal,
    /// <summary>Nothing usable: no such domain, no records, every target unresolvable or ignored, or a null MX.</summary>
    Failed,
    /// <summary>A temporary error, and nothing usable was found.</summary>
    Again,
    /// <summary><c>dnssec_require_domains</c> matched and no secure answer was had (HOST_FIND_SECURITY).</summary>
    Security,
}
