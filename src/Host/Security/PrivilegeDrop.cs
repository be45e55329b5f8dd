using Exim.Mail.Native;

namespace Exim.Host.Security;

/// <summary>
/// Giving up root for good once the configuration is read (and, for the daemon, its ports are bound): the Exim user's
/// supplementary groups (initgroups), then all three group ids, then all three user ids, through glibc so every
/// thread of the process changes at once. Afterwards every id is read back (getresuid/getresgid) and the process
/// refuses to go on if any is still 0 or any capability is left. Nothing is kept for later: a reload that needs a new
/// port below 1024 is refused (see README, "Privileges").
/// </summary>
internal static class PrivilegeDrop
{
    /// <summary>Whether this process can change its ids (it is root), so exim_user matters to it.</summary>
    public static bool IsRoot => Posix.EffectiveUid == 0;

    /// <summary>The daemon's refusal to run as root when nobody said it should.</summary>
    public const string RootWithoutEximUser =
        "exim: refusing to run the daemon as root without exim_user: set exim_user (and exim_group) in the configuration to the "
        + "unprivileged user the daemon should run as once its ports are bound (e.g. exim_user = \"Debian-exim\"), or set "
        + "exim_user = \"root\" to run everything as root deliberately";

    /// <summary>
    /// For a spool-writing command (<c>-q</c>, <c>-M</c>, <c>-Mrm</c>, the queue tools...) started as root: becomes the Exim
    /// user, so what it creates in the spool is that user's. Nothing to do when not root, or when exim_user is unset or root.
    /// </summary>
    /// <returns>null, or why the ids could not be changed (the command must then stop).</returns>
    public static string? ForCommand(EximIdentity? identity) =>
        IsRoot && identity is { IsRoot: false } ? DropTo(identity) : null;

    /// <summary>
    /// <see cref="ForCommand(EximIdentity?)"/> for the configuration at <paramref name="configPath"/>. A configuration that does
    /// not load changes nothing here: the command reads it again and reports its errors before it touches the spool.
    /// </summary>
    public static string? ForCommand(string configPath)
    {
        if (!IsRoot) return null;
        var loaded = Configuration.TomlConfigLoader.Load(configPath);
        if (!loaded.Succeeded) return null;
        return ForCommand(EximIdentity.From(loaded.Config.Config.Main, loaded.Config.AtMainOption));
    }

    /// <summary>Becomes <paramref name="identity"/> for good.</summary>
    /// <returns>null, or why not (the process must then stop).</returns>
    public static string? DropTo(EximIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        try
        {
            Posix.InitGroups(identity.User, identity.Gid);
            Posix.SetAllGids(identity.Gid);
            Posix.SetAllUids(identity.Uid);
        }
        catch (IOException e)
        {
            return $"exim: cannot become exim_user {identity}: {e.Message}";
        }
        return Verify(identity);
    }

    /// <summary>Every user and group id is the Exim user's, none of them root, and no capability is left.</summary>
    private static string? Verify(EximIdentity identity)
    {
        var uids = Posix.UserIds();
        var gids = Posix.GroupIds();
        if (uids != (identity.Uid, identity.Uid, identity.Uid) || uids.Real == 0 || uids.Saved == 0)
            return $"exim: after dropping privileges the user ids are {uids.Real}/{uids.Effective}/{uids.Saved} (real/effective/saved), not {identity.Uid}: refusing to continue";
        if (gids != (identity.Gid, identity.Gid, identity.Gid))
            return $"exim: after dropping privileges the group ids are {gids.Real}/{gids.Effective}/{gids.Saved} (real/effective/saved), not {identity.Gid}: refusing to continue";
        var caps = Posix.ThreadCapabilities();
        if (caps != (0, 0))
            return $"exim: after dropping privileges capabilities are left (effective {caps.Effective:x}, permitted {caps.Permitted:x}): refusing to continue";
        return null;
    }
}
