using Exim.Abstractions.Auth;

namespace Exim.Plugins.DovecotAuth;

/// <summary>
/// Creates <c>dovecot</c> authenticators: <c>server_socket</c> (Exim's option: the path of Dovecot's auth-client socket,
/// e.g. <c>/run/dovecot/auth-client</c>) and <c>server_timeout</c> (ours, default 30s: the longest wait for connecting
/// and for each line Dovecot sends). Dovecot need not be running when the configuration is loaded: each AUTH connects
/// afresh, and a Dovecot that is down answers <c>435</c>.
/// </summary>
internal sealed class DovecotDriver : IAuthenticatorDriver
{
    public IServerAuthenticator Create(AuthenticatorDefinition definition)
    {
        var options = definition.Options;
        var socket = options.GetString("server_socket") ?? throw options.Invalid("server_socket", "is required (the path of Dovecot's auth-client socket)");
        if (socket.Length == 0) throw options.Invalid("server_socket", "is empty");
        socket = Path.GetFullPath(socket, definition.Main.ConfigDirectory);
        var timeout = options.GetTime("server_timeout") ?? TimeSpan.FromSeconds(30);
        if (timeout <= TimeSpan.Zero) throw options.Invalid("server_timeout", "must be more than 0s");
        return new DovecotAuthenticator(socket, definition.PublicName, timeout);
    }
}
