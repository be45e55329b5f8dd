using Exim.Abstractions.Auth;
using Exim.Abstractions.Scripting;

namespace Exim.Plugins.DovecotAuth;

/// <summary>One <c>dovecot</c> authenticator: each AUTH is a <see cref="DovecotConversation"/> on a connection of its own.</summary>
internal sealed class DovecotAuthenticator(string socketPath, string mechanism, TimeSpan timeout) : IServerAuthenticator
{
    public ISaslConversation Start(AcceptConnection connection) => new DovecotConversation(socketPath, mechanism, timeout, connection);
}
