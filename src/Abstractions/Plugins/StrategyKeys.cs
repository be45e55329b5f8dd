namespace Exim.Abstractions.Plugins;

/// <summary>
/// The keys under which the host looks strategies up (<see cref="IPluginRegistrar.Add{TStrategy}"/>): a plugin that
/// registers one of these strategy types under its key replaces or provides that part of the host. Stage policies
/// (<see cref="Policy.IStagePolicy"/>) and drivers are registered under names of their own.
/// </summary>
public static class StrategyKeys
{
    /// <summary><c>"dns"</c>: the <see cref="Resolution.IDnsRecordResolver"/> for DNS lookups (Exim's bydns).</summary>
    public const string Dns = "dns";

    /// <summary><c>"byname"</c>: the <see cref="Resolution.IAddressResolver"/> for the OS resolver (Exim's byname).</summary>
    public const string ByName = "byname";

    /// <summary><c>"admission"</c>: the <see cref="Daemon.IAdmissionStep"/> that applies the connection limits, the first step of the admission chain.</summary>
    public const string Admission = "admission";

    /// <summary><c>"daemon"</c>: the <see cref="Daemon.IDaemonLoop"/> that accepts connections (<c>exim -bd</c>).</summary>
    public const string DaemonLoop = "daemon";

    /// <summary><c>"queue"</c>: the <see cref="Queue.IQueueRunScheduler"/> that starts periodic queue runners (<c>exim -bd -q30m</c>).</summary>
    public const string QueueScheduler = "queue";

    /// <summary><c>"load"</c>: the <see cref="Daemon.ISystemLoad"/> read by the load limits; without one the core reads /proc/loadavg.</summary>
    public const string SystemLoad = "load";

    /// <summary><c>"interfaces"</c>: the <see cref="Interfaces.IInterfaceScanner"/> that expands wildcard local_interfaces.</summary>
    public const string Interfaces = "interfaces";

    /// <summary>
    /// <c>"hints"</c>: an <see cref="Hints.IHintsStore"/> registered under this key replaces the core's SQLite store for
    /// the generation that registered it (every database: retry, ratelimit and any other).
    /// </summary>
    public const string HintsStore = "hints";
}
