using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// What the commands that change the spool directly (<c>-Mrm</c>, <c>-MG</c>) need and nothing more: the main options
/// of the configuration (no plugins loaded) and a logger writing Exim's lines to the main log.
/// </summary>
internal sealed class SpoolCommandContext : IAsyncDisposable
{
    private readonly EximLogSink _sink;
    private readonly ILoggerFactory _loggers;

    private SpoolCommandContext(MainOptions main, bool admin, EximLogSink sink, ILoggerFactory loggers)
    {
        (Main, IsAdmin, _sink, _loggers) = (main, admin, sink, loggers);
        Logger = loggers.CreateLogger("Exim.Delivery");
    }

    public MainOptions Main { get; }

    /// <summary>Whether the caller is an admin user (see <see cref="AdminGate"/>): others may only remove their own messages.</summary>
    public bool IsAdmin { get; }

    public ILogger Logger { get; }

    /// <summary>Null (the errors printed) when the configuration is bad.</summary>
    public static SpoolCommandContext? Open(CommandLine cl, TextWriter error)
    {
        var loaded = TomlConfigLoader.Load(cl.ConfigPath);
        if (!loaded.Succeeded)
        {
            ConfigErrors.Print(loaded.Errors, error);
            return null;
        }
        var main = loaded.Config.Config.Main;
        if (AdminGate.IsAdmin(loaded.Config, error) is not { } admin) return null;
        var sink = new EximLogSink(cl.Debug);
        sink.UsePaths(LogPaths.For(main));
        Lifetime.ProcessInfo.UseConfig(main);
        Lifetime.ProcessInfo.Set("acting on specified messages");
        return new SpoolCommandContext(main, admin, sink, LoggerFactory.Create(b => b.AddProvider(new EximLoggerProvider(sink))));
    }

    public async ValueTask DisposeAsync()
    {
        _loggers.Dispose();
        await _sink.DisposeAsync().ConfigureAwait(false);
    }
}
