using Exim.Host.Security;
using Exim.Mail.Native;
using Exim.Mail.Submission;

namespace Exim.Host.Submission;

/// <summary>
/// A submitter as Exim's originator (<see cref="LocalCaller"/>), trusted or not by the configuration's roles: the
/// submission socket's peer, or this process's real user when it receives itself. One passwd lookup each.
/// </summary>
internal static class LocalCallers
{
    public static LocalCaller Of(PeerCredentials peer, OperatorRoles roles)
    {
        var account = UnixAccount.Find(peer.Uid);
        var identity = CallerIdentity.Of(peer, account);
        return LocalCaller.From(account, peer.Uid, peer.Gid, identity.UserName, roles.IsTrusted(identity));
    }

    public static LocalCaller Of(CallerIdentity identity, OperatorRoles roles)
        => LocalCaller.From(UnixAccount.Find(identity.Uid), identity.Uid, identity.Gid, identity.UserName, roles.IsTrusted(identity));
}
