namespace Exim.Plugins.Redirect;

/// <summary>A local user found by <c>check_local_user</c>: Exim's <c>$home</c> and the owner a <c>.forward</c> may have.</summary>
internal sealed record SystemUser(string Name, uint Uid, uint Gid, string Home);
