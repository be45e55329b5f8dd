using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Abstractions.Auth;

/// <summary>One <c>[[authenticators]]</c> table, as its driver sees it.</summary>
/// <param name="Name">The authenticator's name (the <c>A=</c> log field and <c>$sender_host_authenticated</c>).</param>
/// <param name="PublicName">The SASL mechanism it offers, upper case (<c>PLAIN</c>, <c>LOGIN</c>, ...).</param>
/// <param name="Options">The driver's own options (everything in the table but <c>name</c>, <c>driver</c> and <c>public_name</c>).</param>
/// <param name="Main">The main options of the generation being built (relative paths resolve against its <see cref="IMainOptionsView.ConfigDirectory"/>).</param>
/// <param name="LoggerFactory">Loggers writing to Exim's logs.</param>
public sealed record AuthenticatorDefinition(string Name, string PublicName, IPluginOptions Options, IMainOptionsView Main, ILoggerFactory LoggerFactory);
