using Exim.Abstractions.Scripting;

namespace Exim.Abstractions.Auth;

/// <summary>
/// The server side of one configured authenticator: it runs the SASL mechanism named by its <c>public_name</c>. The core
/// owns the SMTP side (the AUTH command, base64, <c>334</c> challenges, the client's <c>*</c>, time limits, replies and log
/// lines); the authenticator only sees decoded responses and answers with the next <see cref="SaslStep"/>.
/// Password checkers need not frame PLAIN and LOGIN themselves: <see cref="PlainTextSasl"/> does it.
/// </summary>
public interface IServerAuthenticator
{
    /// <summary>Starts one exchange for one AUTH command. Called concurrently for different sessions.</summary>
    /// <param name="connection">The client's connection (addresses, ports, TLS).</param>
    ISaslConversation Start(AcceptConnection connection);
}
