using System.Collections.Immutable;
using Exim.Mail.Native;

namespace Exim.Host.Security;

/// <summary>A process acting on the mail system: this one (<see cref="Current"/>) or a Unix-socket peer (<see cref="Of"/>).</summary>
internal sealed record CallerIdentity(int Uid, int Gid, ImmutableArray<int> Groups, string UserName)
{
    private static CallerIdentity? _invoker;

    /// <summary>
    /// The user who started this process, as it was before any privilege drop: a root caller that became the Exim user
    /// is still logged as root (<c>removed by root</c>), as Exim logs its real caller. Program reads it first of all.
    /// </summary>
    public static CallerIdentity Invoker => _invoker ??= Current();

    /// <summary>The real user of this process now (Exim judges its caller by the real uid) with its groups.</summary>
    public static CallerIdentity Current()
    {
        var uid = Posix.RealUid;
        var gid = Posix.RealGid;
        return new CallerIdentity(uid, gid, [gid, .. Posix.SupplementaryGroups()], UnixAccount.Find(uid)?.Name ?? uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The peer of a Unix socket, its groups from the group database (the kernel passes only uid and gid).</summary>
    public static CallerIdentity Of(PeerCredentials peer) => Of(peer, UnixAccount.Find(peer.Uid));

    /// <summary>The peer of a Unix socket whose passwd entry (null: none) the caller has looked up.</summary>
    public static CallerIdentity Of(PeerCredentials peer, UnixAccount? account)
    {
        ImmutableArray<int> groups = account is null ? [peer.Gid] : [peer.Gid, .. account.Groups()];
        return new CallerIdentity(peer.Uid, peer.Gid, groups, account?.Name ?? peer.Uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
