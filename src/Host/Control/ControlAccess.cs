using Exim.Mail.Native;

namespace Exim.Host.Control;

/// <summary>Who may use the control socket: root and the Exim user (the daemon's own user when <c>exim_user</c> is unset).</summary>
internal sealed class ControlAccess(int eximUid)
{
    public int EximUid { get; } = eximUid;

    public bool Allows(PeerCredentials peer) => peer.Uid == 0 || peer.Uid == EximUid;
}
