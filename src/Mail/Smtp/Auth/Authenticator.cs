using Exim.Abstractions.Auth;

namespace Exim.Mail.Smtp.Auth;

/// <summary>One configured authenticator of a generation, as the sessions use it.</summary>
/// <param name="Name">Its name: the <c>A=</c> log field, and what the hooks see as <c>Connection.Authenticator</c>.</param>
/// <param name="PublicName">The SASL mechanism it offers, upper case, as EHLO advertises it.</param>
/// <param name="Server">Its driver's server side.</param>
internal sealed record Authenticator(string Name, string PublicName, IServerAuthenticator Server);
