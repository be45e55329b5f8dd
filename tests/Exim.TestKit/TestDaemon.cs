namespace Exim.TestKit;

/// <summary>
/// A real <c>exim -bd</c> in its own temp directory: the config file, spool and logs live there. Started by
/// <see cref="StartAsync"/>, which returns once the daemon has logged its start-up line.
/// </summary>
public sealed class TestDaemon : IAsyncDisposable
{
    private TestDaemon(TempDirectory directory, string configPath, EximProcess process)
    {
        Directory = directory;
        ConfigPath = configPath;
        Process = process;
    }

    public TempDirectory Directory { get; }
    public string ConfigPath { get; }
    public EximProcess Process { get; }

    public string MainLogPath => Directory.Combine("spool", "log", "mainlog");
    public string PanicLogPath => Directory.Combine("spool", "log", "paniclog");
    public string RejectLogPath => Directory.Combine("spool", "log", "rejectlog");
    public string InputDirectory => Directory.Combine("spool", "input");
    public string PidFilePath => Directory.Combine("spool", "exim-daemon.pid");
    public string RejectLog => Wait.ReadShared(RejectLogPath);
    public string MainLog => Wait.ReadShared(MainLogPath);

    /// <summary>The first port of 127.0.0.1 in the latest start-up line (configs here bind port 0).</summary>
    public int Port => Ports[0];

    /// <summary>The ports of 127.0.0.1 in the latest start-up line: <c>[127.0.0.1]:N</c> or <c>[127.0.0.1]:{N,M}</c>.</summary>
    public IReadOnlyList<int> Ports => PortsOn("127.0.0.1");

    /// <summary>The ports of <paramref name="address"/> in the latest start-up line.</summary>
    public IReadOnlyList<int> PortsOn(string address)
    {
        var pattern = @"listening for SMTP on.*?\[" + System.Text.RegularExpressions.Regex.Escape(address) + @"\]:(?:\{([\d,]+)\}|(\d+))";
        var matches = System.Text.RegularExpressions.Regex.Matches(MainLog, pattern);
        if (matches.Count == 0) throw new InvalidOperationException($"no start-up line with {address}:\n" + MainLog);
        var m = matches[^1];
        var text = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
        return [.. text.Split(',').Select(int.Parse)];
    }

    /// <summary>
    /// A config for an SMTP daemon on 127.0.0.1, a free port, with the daemon plugin; <paramref name="extra"/> adds main
    /// options, and <paramref name="relayFromHosts"/> replaces relay_from_hosts (a TOML array).
    /// </summary>
    /// <remarks>It has no routers, so received messages stay queued (the daemon delivers nothing without routers). It logs
    /// connections and syntax and protocol errors (log_selector's +smtp_connection +smtp_syntax_error +smtp_protocol_error,
    /// off in Exim's defaults), which many tests wait for; <see cref="SmtpLogSelector"/>.</remarks>
    public static string SmtpConfig(string extra = "", string relayFromHosts = "[\"127.0.0.1\"]") => $$"""
        {{RunAsRoot}}
        spool_directory = "spool"
        primary_hostname = "mx.test.example"
        local_interfaces = ["127.0.0.1"]
        daemon_smtp_ports = [0]
        local_domains = ["test.example"]
        relay_from_hosts = {{relayFromHosts}}
        {{(extra.Contains("log_selector", StringComparison.Ordinal) ? "" : SmtpLogSelector)}}
        {{extra}}

        [plugins.daemon]
        assembly = "{{RepoPaths.Plugin("daemon", "Exim.Plugins.Daemon.dll")}}"
        """;
    /// <summary>The log_selector line <see cref="SmtpConfig"/> adds unless its extra options set one.</summary>
    public const string SmtpLogSelector = "log_selector = \"+smtp_connection +smtp_syntax_error +smtp_protocol_error\"";

    /// <summary>The dns-resolver plugin's table, pointed at <paramref name="nameServer"/> (a test NSD).</summary>
    public static string DnsResolverPlugin(string nameServer) => $"""

        [plugins.dns-resolver]
        assembly = "{RepoPaths.Plugin("dns-resolver", "Exim.Plugins.DnsResolver.dll")}"
        nameservers = ["{nameServer}"]
        """;

    public string PanicLog => Wait.ReadShared(PanicLogPath);

    /// <summary>Writes <paramref name="config"/> (spool_directory defaults to ./spool) and starts the daemon.</summary>
    public static Task<TestDaemon> StartAsync(string config, TempDirectory? directory = null, params string[] extraArgs)
        => StartAsync(config, directory, null, extraArgs);

    /// <summary>As above; with <paramref name="fileLimit"/> the daemon runs under that RLIMIT_NOFILE.</summary>
    public static async Task<TestDaemon> StartAsync(string config, TempDirectory? directory, int? fileLimit, params string[] extraArgs)
    {
        var daemon = Launch(config, directory, fileLimit, null, null, extraArgs);
        await daemon.WaitStartedAsync();
        return daemon;
    }

    /// <summary>
    /// Writes <paramref name="config"/> and starts <c>exim -bd</c> (with <paramref name="environment"/> and under
    /// <paramref name="wrapper"/>, see <see cref="EximProcess.Start(string, int?, IReadOnlyDictionary{string, string?}?, IReadOnlyList{string}?, string[])"/>)
    /// without waiting for it: <see cref="WaitStartedAsync"/> does.
    /// </summary>
    public static TestDaemon Launch(string config, TempDirectory? directory, int? fileLimit, IReadOnlyDictionary<string, string?>? environment,
        IReadOnlyList<string>? wrapper, params string[] extraArgs)
    {
        directory ??= new TempDirectory("exim-daemon");
        var configPath = directory.Write("exim.toml", WithEximUser(config));
        var process = EximProcess.Start(directory.Path, fileLimit, environment, wrapper, ["-C", configPath, "-bd", .. extraArgs]);
        return new TestDaemon(directory, configPath, process);
    }

    /// <summary>Waits for the daemon's start-up line; throws when it exits first.</summary>
    public async Task WaitStartedAsync()
    {
        await Wait.UntilOrFailAsync(() => MainLog.Contains("daemon started", StringComparison.Ordinal) || Process.HasExited,
            TestTimeouts.Startup, () => $"daemon start\nstderr: {Process.Stderr}");
        if (Process.HasExited) throw new InvalidOperationException($"exim -bd exited with {Process.ExitCode}: {Process.Stderr}");
    }

    /// <summary>
    /// The tests run as root, and a daemon started as root without exim_user refuses to start: a config that does not
    /// choose a user opts in to running as root explicitly (tests of the privilege drop set exim_user themselves).
    /// </summary>
    public static string WithEximUser(string config) =>
        System.Text.RegularExpressions.Regex.IsMatch(config, @"^\s*exim_user\s*=", System.Text.RegularExpressions.RegexOptions.Multiline)
            ? config
            : RunAsRoot + "\n" + config;

    /// <summary>The explicit opt-in to a daemon that stays root (the tests run as root).</summary>
    public const string RunAsRoot = "exim_user = \"root\"";

    public Task WaitForLogAsync(string text, TimeSpan? timeout = null)
        => Wait.UntilOrFailAsync(() => MainLog.Contains(text, StringComparison.Ordinal), timeout ?? TestTimeouts.Default,
            () => $"main log line containing \"{text}\"\nmainlog:\n{MainLog}\nstderr:\n{Process.Stderr}");

    /// <summary>Waits for the panic log (its own file, written by its own sink) to contain <paramref name="text"/>.</summary>
    public Task WaitForPanicLogAsync(string text, TimeSpan? timeout = null)
        => Wait.UntilOrFailAsync(() => PanicLog.Contains(text, StringComparison.Ordinal), timeout ?? TestTimeouts.Default,
            () => $"panic log line containing \"{text}\"\npaniclog:\n{PanicLog}");

    /// <summary>Counts main log lines containing <paramref name="text"/>.</summary>
    public int CountLog(string text) => MainLog.Split('\n').Count(l => l.Contains(text, StringComparison.Ordinal));

    public async Task<int> StopAsync()
    {
        Process.Signal(Signals.SIGTERM);
        return await Process.WaitForExitAsync(TestTimeouts.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        Directory.Dispose();
    }
}
