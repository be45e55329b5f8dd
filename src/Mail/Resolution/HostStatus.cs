namespace Exim.Mail.Resolution;

internal enum HostStatus
{
    Usable,
    /// <summary>Its address lookup failed or deferred (Exim's "unusable"; -bt shows <c>** unusable **</c>).</summary>
    Unusable,
}
