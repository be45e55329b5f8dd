using Exim.Abstractions.Hints;
using Exim.Host.Generations;
using Exim.Host.Lifetime;

namespace Exim.Host.Cli.Commands;

/// <summary>
/// What <c>--dumpdb</c> and <c>--tidydb</c> open: a core on the configuration (so a plugin's store is the one shown),
/// its first generation's hints store and spool directory.
/// </summary>
internal sealed class HintsDatabaseAccess : IAsyncDisposable
{
    private readonly Core _core;

    private HintsDatabaseAccess(Core core, IHintsStore store, string spoolDirectory)
        => (_core, Store, SpoolDirectory) = (core, store, spoolDirectory);

    public IHintsStore Store { get; }

    public string SpoolDirectory { get; }

    /// <summary>Null (the errors printed) when the configuration is bad.</summary>
    public static async Task<HintsDatabaseAccess?> OpenAsync(CommandLine cl, TextWriter error)
    {
        var core = Core.Create(cl.ConfigPath, cl.Debug, quietLifecycle: true);
        var started = await core.Reloader.StartAsync().ConfigureAwait(false);
        if (started.Status != ReloadStatus.Published)
        {
            ConfigErrors.Print(started.Errors, error);
            await core.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        var generation = core.Store.Current;
        return new HintsDatabaseAccess(core, core.Hints.For(generation), generation.Config.Main.SpoolDirectory);
    }

    /// <summary>Exim's print_time: <c>05-Jan-2026 12:00:00</c>, local time unless <paramref name="utc"/> (-z).</summary>
    public static string Time(DateTimeOffset t, bool utc)
        => (utc ? t.UtcDateTime : t.LocalDateTime).ToString("dd-MMM-yyyy HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await _core.Store.ShutdownAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        await _core.DisposeAsync().ConfigureAwait(false);
    }
}
