using Exim.Abstractions.Config;
using Exim.Mail.Native;

namespace Exim.Host.Security;

/// <summary>
/// The user and group the daemon and every spool-writing command run as once they have read the configuration:
/// <c>exim_user</c> and <c>exim_group</c> (that user's primary group when unset), resolved through NSS.
/// </summary>
internal sealed record EximIdentity(string User, int Uid, int Gid, string Group)
{
    /// <summary><c>exim_user = "root"</c> (or uid 0): the operator asked for everything to run as root.</summary>
    public bool IsRoot => Uid == 0;

    /// <summary>The identity <paramref name="main"/> names, or null when <c>exim_user</c> is unset.</summary>
    /// <param name="main">The main options.</param>
    /// <param name="at">Places a diagnostic at an option (e.g. <c>LoadedConfig.AtMainOption</c>).</param>
    /// <exception cref="EximConfigException">The user or group does not exist, or exim_group is set without exim_user.</exception>
    public static EximIdentity? From(MainOptions main, Func<string, string, ConfigDiagnostic> at)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(at);
        if (main.EximUser.Length == 0)
        {
            if (main.EximGroup.Length > 0) throw new EximConfigException(at("exim_group", "exim_group is set but exim_user is not"));
            return null;
        }
        var account = UnixAccount.Find(main.EximUser)
            ?? throw new EximConfigException(at("exim_user", $"exim_user: no such user \"{main.EximUser}\""));
        var group = main.EximGroup.Length == 0
            ? UnixGroup.Find(account.Gid)
            : UnixGroup.Find(main.EximGroup) ?? throw new EximConfigException(at("exim_group", $"exim_group: no such group \"{main.EximGroup}\""));
        return new EximIdentity(account.Name, account.Uid, group?.Gid ?? account.Gid, group?.Name ?? account.Gid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public override string ToString() => $"{User}:{Group} (uid={Uid} gid={Gid})";
}
