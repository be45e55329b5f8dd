using System.Collections.Concurrent;
using Exim.Abstractions.Hints;
using Exim.Abstractions.Plugins;
using Exim.Abstractions.Policy;
using Exim.Host.Generations;
using Exim.Mail.Hints;
using Exim.Mail.Policy;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Hints;

/// <summary>
/// The hints stores of one exim process. The core owns the SQLite stores (one per spool directory, opened on first use,
/// closed with the process), never a plugin's load context, so a reload or an unloaded plugin leaves them alone. A
/// generation whose plugins register an <see cref="IHintsStore"/> under <see cref="StrategyKeys.HintsStore"/> uses that
/// one instead, for as long as the generation lives.
/// </summary>
internal sealed class HintsStores(ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<SqliteHintsStore>> _sqlite = new(StringComparer.Ordinal);
    private readonly ILogger _logger = loggers.CreateLogger("Exim.Hints");

    /// <summary>The store <paramref name="generation"/> works with.</summary>
    public IHintsStore For(Generation generation)
        => generation.Strategies.TryGet<IHintsStore>(StrategyKeys.HintsStore, out var plugin) ? plugin : Sqlite(generation.Config.Main.SpoolDirectory);

    /// <summary>Exim's ratelimit for <paramref name="generation"/>, on its store.</summary>
    /// <param name="generation">The generation.</param>
    /// <param name="readOnly">Rates are computed but never stored (<c>-bh</c>: a test session changes nothing).</param>
    public IRateLimiter RateLimiterFor(Generation generation, bool readOnly = false)
    {
        var limiter = new HintsRateLimiter(For(generation), TimeProvider.System);
        return readOnly ? new ReadOnlyRateLimiter(limiter) : limiter;
    }

    private sealed class ReadOnlyRateLimiter(IRateLimiter inner) : IRateLimiter
    {
        public ValueTask<RateLimitResult> CheckAsync(RateLimitRequest request, CancellationToken cancellationToken)
            => inner.CheckAsync(request with { Mode = RateLimitMode.ReadOnly }, cancellationToken);
    }

    /// <summary>The core's SQLite store under <paramref name="spoolDirectory"/>.</summary>
    public SqliteHintsStore Sqlite(string spoolDirectory)
        => _sqlite.GetOrAdd(Path.GetFullPath(spoolDirectory), path => new(() => new SqliteHintsStore(path, _logger))).Value;

    public void Dispose()
    {
        foreach (var store in _sqlite.Values)
        {
            if (store.IsValueCreated) store.Value.Dispose();
        }
    }
}
