using System.Globalization;

namespace Exim.Mail.Native;

/// <summary>A passwd entry.</summary>
internal sealed record UnixAccount(string Name, int Uid, int Gid, string Home, string Shell)
{
    /// <summary>The gecos field (the user's full name, perhaps followed by comma-separated office details).</summary>
    public string Gecos { get; init; } = "";

    /// <summary>The account named <paramref name="nameOrUid"/> (a login name, or a number as Exim allows), or null.</summary>
    public static UnixAccount? Find(string nameOrUid) =>
        int.TryParse(nameOrUid, NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            ? Posix.LookUpAccount(null, uid)
            : Posix.LookUpAccount(nameOrUid, 0);

    /// <summary>The account with <paramref name="uid"/>, or null.</summary>
    public static UnixAccount? Find(int uid) => Posix.LookUpAccount(null, uid);

    /// <summary>Every group this account belongs to (getgrouplist), its primary group first.</summary>
    public int[] Groups() => Posix.GroupList(Name, Gid);
}
