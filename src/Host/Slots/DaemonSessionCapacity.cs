using System.Runtime.CompilerServices;
using Exim.Abstractions.Config;
using Exim.Host.Configuration;
using Exim.Host.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Slots;

/// <summary>
/// The daemon's side of <see cref="SessionCapacity"/>: each configuration it reads (at start and on every reload) first
/// raises RLIMIT_NOFILE's soft limit to the hard limit, then has smtp_accept_max cut to what the descriptors allow, so the
/// limits step enforces the limit that really applies. The capacity of each adjusted snapshot is kept: its generation
/// logs it when it starts (<see cref="Report"/>, once the main log is open) and the control socket's status shows it.
/// </summary>
internal sealed partial class DaemonSessionCapacity(ILogger logger)
{
    private readonly ConditionalWeakTable<MainOptions, object> _cut = [];

    /// <summary><paramref name="loaded"/>, with smtp_accept_max cut to what the descriptors allow when they allow less.</summary>
    public LoadedConfig Apply(LoadedConfig loaded)
    {
        if (SessionCapacity.RaiseDescriptorLimit() is { } failed) NotRaised(logger, failed);
        var main = loaded.Config.Main;
        var capacity = SessionCapacity.ForThisProcess(main.SmtpAcceptMax);
        if (!capacity.IsCut) return loaded;
        var adjusted = main with { SmtpAcceptMax = capacity.Effective };
        _cut.AddOrUpdate(adjusted, capacity);
        return loaded with { Config = loaded.Config.WithMain(adjusted) };
    }

    /// <summary>The capacity behind a generation's main options (as configured, and as applied).</summary>
    public SessionCapacity Of(MainOptions main)
        => _cut.TryGetValue(main, out var capacity) ? (SessionCapacity)capacity : SessionCapacity.ForThisProcess(main.SmtpAcceptMax);

    /// <summary>Logs the limit that applies to a generation, when the descriptors cut it; returns its capacity.</summary>
    public SessionCapacity Report(MainOptions main)
    {
        var capacity = Of(main);
        if (capacity.IsCut) Cut(logger, capacity.Describe());
        return capacity;
    }

    [LoggerMessage(EventIds.SessionCapacityCut, LogLevel.Warning, "{Line}")]
    private static partial void Cut(ILogger logger, string line);

    [LoggerMessage(EventIds.DescriptorLimitNotRaised, LogLevel.Warning, "RLIMIT_NOFILE not raised: {Failure}")]
    private static partial void NotRaised(ILogger logger, string failure);
}
