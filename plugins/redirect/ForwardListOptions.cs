namespace Exim.Plugins.Redirect;

/// <summary>What a redirection list may contain and how its unqualified addresses are qualified.</summary>
/// <param name="AllowFail"><c>allow_fail</c>: <c>:fail:</c> is permitted.</param>
/// <param name="AllowDefer"><c>allow_defer</c>: <c>:defer:</c> is permitted.</param>
/// <param name="ForbidBlackhole"><c>forbid_blackhole</c>.</param>
/// <param name="ForbidInclude"><c>forbid_include</c>.</param>
/// <param name="IncludeDirectory"><c>include_directory</c>: <c>:include:</c> files must be inside it (no symbolic links below it), or null.</param>
/// <param name="QualifyDomain">The domain added to unqualified addresses.</param>
/// <param name="IncomingDomain">The routed address's domain, added to <c>\local</c> items.</param>
internal sealed record ForwardListOptions(bool AllowFail, bool AllowDefer, bool ForbidBlackhole, bool ForbidInclude, string? IncludeDirectory,
    string QualifyDomain, string IncomingDomain);
