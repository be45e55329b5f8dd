namespace Exim.Host.Tests.Deploy;

/// <summary>
/// A fact that needs root (mount namespaces, overlayfs, cgroups, a container's PID 1): skipped, with that reason, when
/// the suite runs as another user. This machine and CI run it as root, where it runs.
/// </summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess) Skip = "needs root: it installs the package in a private mount namespace and boots a container";
    }
}
