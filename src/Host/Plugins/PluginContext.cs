using Exim.Abstractions.Matching;
using Exim.Abstractions.Plugins;
using Exim.Mail.Matching;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Plugins;

internal sealed class PluginContext(string name, IPluginOptions options, IMainOptionsView main, ILoggerFactory loggerFactory) : IPluginContext
{
    public string Name { get; } = name;
    public IPluginOptions Options { get; } = options;
    public IMainOptionsView Main { get; } = main;
    public IHostListFactory HostLists => HostListFactory.Instance;
    public ILoggerFactory LoggerFactory { get; } = loggerFactory;
}
