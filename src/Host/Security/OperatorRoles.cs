using System.Collections.Immutable;
using Exim.Abstractions.Config;
using Exim.Mail.Native;

namespace Exim.Host.Security;

/// <summary>
/// Exim's two privileged roles, resolved once per configuration: admin users (root, the Exim user, members of
/// <c>admin_groups</c>) may see and change the queue; trusted users (root, the Exim user, <c>trusted_users</c>,
/// members of <c>trusted_groups</c>) may set a local submission's sender freely.
/// </summary>
internal sealed class OperatorRoles
{
    private readonly int? _eximUid;
    private readonly ImmutableHashSet<int> _adminGroups;
    private readonly ImmutableHashSet<int> _trustedUsers;
    private readonly ImmutableHashSet<int> _trustedGroups;

    private OperatorRoles(int? eximUid, int? eximGid, ImmutableHashSet<int> adminGroups, ImmutableHashSet<int> trustedUsers, ImmutableHashSet<int> trustedGroups)
    {
        _eximUid = eximUid;
        EximGid = eximGid;
        _adminGroups = adminGroups;
        _trustedUsers = trustedUsers;
        _trustedGroups = trustedGroups;
    }

    /// <summary>The Exim user's uid, or null when <c>exim_user</c> is unset (the daemon keeps the user that started it).</summary>
    public int? EximUid => _eximUid;

    /// <summary>The Exim group: <c>exim_group</c>, else the Exim user's primary group; null when <c>exim_user</c> is unset.</summary>
    public int? EximGid { get; }

    /// <summary>
    /// Resolves the names in <paramref name="main"/>; a user or group that does not exist throws an
    /// <see cref="EximConfigException"/> placed by <paramref name="at"/> (option key, message), e.g. <c>LoadedConfig.AtMainOption</c>.
    /// </summary>
    public static OperatorRoles From(MainOptions main, Func<string, string, ConfigDiagnostic> at)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(at);
        EximConfigException Missing(string option, string what, string name) => new(at(option, $"{option}: no such {what} \"{name}\""));
        var exim = EximIdentity.From(main, at); // the one resolution of exim_user / exim_group
        return new OperatorRoles(exim?.Uid, exim?.Gid,
            Groups("admin_groups", main.AdminGroups),
            [.. main.TrustedUsers.Select(u => (UnixAccount.Find(u) ?? throw Missing("trusted_users", "user", u)).Uid)],
            Groups("trusted_groups", main.TrustedGroups));

        ImmutableHashSet<int> Groups(string option, ImmutableArray<string> names) =>
            [.. names.Select(g => (UnixGroup.Find(g) ?? throw Missing(option, "group", g)).Gid)];
    }

    /// <summary>
    /// Root, the Exim user (the process's own user when exim_user is unset), a member of the Exim group, or a member of
    /// <c>admin_groups</c> (exim.c: the real gid or a supplementary group).
    /// </summary>
    public bool IsAdmin(CallerIdentity caller) => IsEximOrRoot(caller) || InAdminGroup(caller);

    /// <summary>Whether the caller's real or supplementary groups include the Exim group or one of <c>admin_groups</c>.</summary>
    public bool InAdminGroup(CallerIdentity caller) => (EximGid is { } gid && caller.Groups.Contains(gid)) || caller.Groups.Any(_adminGroups.Contains);

    /// <summary>Root, the Exim user, one of <c>trusted_users</c> or a member of <c>trusted_groups</c>.</summary>
    public bool IsTrusted(CallerIdentity caller) =>
        IsEximOrRoot(caller) || _trustedUsers.Contains(caller.Uid) || caller.Groups.Any(_trustedGroups.Contains);

    private bool IsEximOrRoot(CallerIdentity caller) => caller.Uid == 0 || caller.Uid == (_eximUid ?? Posix.EffectiveUid);
}
