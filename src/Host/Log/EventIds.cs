namespace Exim.Host.Log;

/// <summary>
/// Event id ranges: 1xxx configuration, 2xxx daemon, 3xxx session, 4xxx spool, 5xxx queue, 6xxx resolver,
/// 7xxx transport, 8xxx plugins and generations. Ids whose last three digits are 900–999 also go to the reject log.
/// </summary>
internal static class EventIds
{
    public const int ConfigLoaded = 1001;
    public const int ConfigRejected = 1002;
    public const int ConfigRejectedDetail = 1003;
    public const int ReloadRequested = 1004;
    public const int LogSelectorWithoutEffect = 1005;

    public const int DaemonStarted = 2001;
    public const int DaemonStopping = 2002;
    public const int DaemonStopped = 2003;
    public const int SignalReceived = 2004;
    public const int DaemonLoopFailed = 2005;
    public const int DaemonLoopSlowStop = 2006;
    public const int ListenerBindRetry = 2010;
    public const int ListenerBindFailed = 2011;
    public const int ListenerFatal = 2012;
    public const int ListenerIpv6 = 2013;
    public const int PidFile = 2014;
    public const int ChildExit = 2020;
    public const int ChildExitAbnormal = 2021;
    public const int MemoryTrimmed = 2030;
    public const int MappedPagesReleased = 2031;
    public const int MappedPagesNotReleased = 2032;
    public const int ListenBacklog = 2040;
    public const int ListenBacklogCapped = 2041;
    public const int SessionCapacityCut = 2045;
    public const int DescriptorLimitNotRaised = 2046;
    public const int ControlSocket = 2050;
    public const int ControlRefused = 2051;
    public const int ControlRequest = 2052;
    public const int PrivilegesDropped = 2060;
    public const int RunningAsRoot = 2061;
    public const int PrivilegesRefused = 2062;
    public const int DiagnosticPortKept = 2063;
    public const int SubmissionSocket = 2070;
    public const int SubmissionRefused = 2071;
    public const int SubmissionFailed = 2072;
    public const int MetricsPrometheus = 2080;
    public const int MetricsOtlp = 2081;
    public const int MetricsFailed = 2082;
    public const int SystemdNotify = 2090;
    public const int SocketActivation = 2091;

    public const int ImmediateDeliveryFailed = 5101;
    public const int RunnerForkFailed = 5102;
    public const int SchedulerMissing = 5103;
    public const int SchedulerFailed = 5104;

    public const int GenerationPublished = 8001;
    public const int GenerationRetired = 8002;
    public const int GenerationCollected = 8003;
    public const int GenerationStillAlive = 8004;
    public const int PluginLoaded = 8005;
    public const int PluginFileChanged = 8006;
    public const int PluginDisposeFailed = 8007;
    public const int PluginFileUnchanged = 8008;
    public const int TlsCertificateOutOfDate = 8009;

    public const int ScriptLoaded = 8101;
    public const int ScriptCacheWriteFailed = 8102;
    public const int AcceptHookFailed = 8110;
    public const int ChildExitHookFailed = 8111;
    public const int StageHookFailed = 8113;
    public const int StagePolicyFailed = 8114;
    public const int ChildExitHookBacklog = 8112;
    public const int ScriptLogInfo = 8120;
    public const int ScriptLogWarning = 8121;
    public const int ScriptLogError = 8122;

    public const int QueueRunRequested = 5050;
}
