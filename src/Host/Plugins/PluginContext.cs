using Exim.Abstractions.Config;
using Exim.Abstractions.Plugins;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Plugins;

internal sealed class PluginContext(string name, IPluginOptions options, EximConfig config, ILoggerFactory loggerFactory) : IPluginContext
{
    public string Name { get; } = name;
    public IPluginOptions Options { get; } = options;
    public EximConfig Config { get; } = config;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
