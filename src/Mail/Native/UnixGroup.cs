using System.Collections.Immutable;
using System.Globalization;

namespace Exim.Mail.Native;

/// <summary>A group entry with its listed members.</summary>
internal sealed record UnixGroup(string Name, int Gid, ImmutableArray<string> Members)
{
    /// <summary>The group named <paramref name="nameOrGid"/> (a name, or a number as Exim allows), or null.</summary>
    public static UnixGroup? Find(string nameOrGid) =>
        int.TryParse(nameOrGid, NumberStyles.None, CultureInfo.InvariantCulture, out var gid)
            ? Posix.LookUpGroup(null, gid)
            : Posix.LookUpGroup(nameOrGid, 0);

    /// <summary>The group with <paramref name="gid"/>, or null.</summary>
    public static UnixGroup? Find(int gid) => Posix.LookUpGroup(null, gid);
}
