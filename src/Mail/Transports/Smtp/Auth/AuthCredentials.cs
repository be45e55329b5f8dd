using Exim.Abstractions.Config;
using Exim.Mail.Resolution;

namespace Exim.Mail.Transports.Smtp.Auth;

/// <summary>
/// A user name and password for AUTH PLAIN/LOGIN, from the transport's <c>auth_credentials_file</c> (first) or its
/// <c>auth_username</c>/<c>auth_password</c> options. The file holds <c>host user password</c> lines (the password is
/// the rest of the line); <c>host</c> is the server's name, its IP address, or <c>*</c>; blank lines and lines starting
/// with <c>#</c> are skipped. It is read at each connection that authenticates, so edits apply without a reload.
/// </summary>
internal sealed record AuthCredentials(string User, string Password)
{
    /// <summary>The credentials for <paramref name="host"/>, or null. Throws <see cref="IOException"/> when the file cannot be read.</summary>
    public static AuthCredentials? For(TransportConfig transport, HostItem host)
    {
        if (transport.AuthCredentialsFile is { Length: > 0 } path && FromFile(File.ReadLines(path), host) is { } found) return found;
        return transport.AuthUsername is { Length: > 0 } user && transport.AuthPassword is { } password ? new AuthCredentials(user, password) : null;
    }

    public static AuthCredentials? FromFile(IEnumerable<string> lines, HostItem host)
    {
        var address = host.Address?.ToString();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            var fields = line.Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 3) continue;
            var key = fields[0];
            if (key == "*" || key.Equals(host.Name, StringComparison.OrdinalIgnoreCase) || key == address) return new AuthCredentials(fields[1], fields[2].Trim());
        }
        return null;
    }
}
