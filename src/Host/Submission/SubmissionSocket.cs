using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Exim.Abstractions.Config;

namespace Exim.Host.Submission;

/// <summary>
/// Where the daemon takes local submissions (<c>submission_socket</c>): a path, or Linux's abstract namespace for
/// <c>@name</c> and for the default, <c>@exim-submit:</c> and the spool directory (hashed when that would not fit in a
/// socket address), so that each spool has its own socket, no directory has to be made for it, and any user can reach it
/// whatever the spool's permissions. Who connects is judged from the socket's peer credentials, not from the socket's
/// mode.
/// </summary>
internal static class SubmissionSocket
{
    /// <summary>The longest name sockaddr_un holds after its leading byte.</summary>
    private const int MaxName = 107;

    /// <summary>The socket's name: a path, or <c>@name</c> for the abstract namespace.</summary>
    public static string Name(MainOptions main)
    {
        if (main.SubmissionSocket.Length > 0) return main.SubmissionSocket;
        var name = "@exim-submit:" + main.SpoolDirectory;
        if (Encoding.UTF8.GetByteCount(name) <= MaxName) return name;
        return "@exim-submit:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(main.SpoolDirectory)));
    }

    public static bool IsAbstract(string name) => name.StartsWith('@');

    public static UnixDomainSocketEndPoint EndPoint(string name) => new(IsAbstract(name) ? "\0" + name[1..] : name);
}
