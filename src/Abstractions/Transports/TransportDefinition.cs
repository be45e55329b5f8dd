using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Abstractions.Transports;

/// <summary>One <c>[[transports]]</c> table, as its driver sees it.</summary>
/// <param name="Name">The transport's name (<c>T=</c> in log lines; routers name it).</param>
/// <param name="Options">The driver's own options (every key but <c>name</c> and <c>driver</c>).</param>
/// <param name="Main">The main options the driver may read.</param>
/// <param name="LoggerFactory">Loggers writing to Exim's logs.</param>
public sealed record TransportDefinition(string Name, IPluginOptions Options, IMainOptionsView Main, ILoggerFactory LoggerFactory);
