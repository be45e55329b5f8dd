using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Abstractions.Routing;

/// <summary>One <c>[[routers]]</c> table, as its driver sees it.</summary>
/// <param name="Name">The router's name (<c>R=</c> in log lines, <c>-bt</c>'s output).</param>
/// <param name="Transport">The table's <c>transport</c> option, or null.</param>
/// <param name="Options">The driver's own options (every key of the table the core does not own).</param>
/// <param name="Main">The main options the driver may read.</param>
/// <param name="LoggerFactory">Loggers writing to Exim's logs.</param>
public sealed record RouterDefinition(string Name, string? Transport, IPluginOptions Options, IMainOptionsView Main, ILoggerFactory LoggerFactory);
