using Exim.Abstractions.Daemon;
using Microsoft.Extensions.Logging;

namespace Exim.TestPlugin;

internal sealed class StatusLoop(string statusFile, string greeting, ILogger logger) : IDaemonLoop
{
    public async Task RunAsync(IDaemonContext context, CancellationToken stoppingToken)
    {
        var text = $"version={TestPlugin.Version} generation={context.Generation} greeting={greeting}\n";
        var temp = statusFile + ".tmp";
        await File.WriteAllTextAsync(temp, text, CancellationToken.None);
        File.Move(temp, statusFile, overwrite: true);
        logger.LogInformation("test plugin {Version} running in generation {Generation}", TestPlugin.Version, context.Generation);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
