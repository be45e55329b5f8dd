using Microsoft.Extensions.Logging;

namespace Exim.Host.Tests.Tls;

/// <summary>A logger factory whose every category writes to one logger.</summary>
internal sealed class OneLoggerFactory(ILogger logger) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public void Dispose()
    {
    }
}
