namespace Exim.Mail.Native;

/// <summary>What the kernel says about the process at the other end of a Unix socket (SO_PEERCRED at connect time).</summary>
internal readonly record struct PeerCredentials(int Pid, int Uid, int Gid);
