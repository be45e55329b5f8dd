using Exim.Mail.Native;

namespace Exim.Mail.Submission;

/// <summary>
/// The local user who submits a message (from the submission socket's peer credentials, or this process's real user):
/// Exim's originator login, uid, gid and name (the gecos field, <c>&amp;</c> replaced by the capitalised login and cut at
/// the first comma), and whether the user is trusted (may set the envelope sender).
/// </summary>
internal sealed record LocalCaller(string Login, int Uid, int Gid, string GecosName, bool Trusted)
{
    /// <summary>The caller from its passwd entry (looked up once by the caller of this; null: none), its uid, gid and login.</summary>
    public static LocalCaller From(UnixAccount? account, int uid, int gid, string login, bool trusted)
        => new(login, uid, gid, NameFromGecos(account?.Gecos ?? "", login), trusted);

    /// <summary>
    /// The full name a gecos field gives, as Exim takes it: <c>&amp;</c> becomes the login with its first letter
    /// upper-cased; cut to <see cref="SubmissionRequest.MaxName"/> characters (a user's chfn cannot make it longer
    /// than -F may be).
    /// </summary>
    public static string NameFromGecos(string gecos, string login)
    {
        var comma = gecos.IndexOf(',', StringComparison.Ordinal);
        var name = comma < 0 ? gecos : gecos[..comma];
        var amp = name.IndexOf('&', StringComparison.Ordinal);
        if (amp >= 0 && login.Length > 0) name = name[..amp] + char.ToUpperInvariant(login[0]) + login[1..] + name[(amp + 1)..];
        name = name.Trim();
        return name.Length > SubmissionRequest.MaxName ? name[..SubmissionRequest.MaxName].TrimEnd() : name;
    }
}
