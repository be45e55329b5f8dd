using System.Diagnostics;
using System.Globalization;
using Exim.TestKit;

namespace Exim.Host.Tests.Deploy;

/// <summary>
/// A real systemd booted as PID 1 of a container (Deploy/systemd-container.sh: <c>systemd-nspawn --boot</c>) on a
/// <see cref="ScratchRoot"/> where the package is installed, driven from outside with <c>nsenter</c> into its
/// namespaces: <c>systemctl</c>, <c>journalctl</c> and the programs of the container with all of them
/// (<see cref="SystemctlAsync"/>, <see cref="RunAsync"/>), this machine's swaks and curl with only its network
/// namespace, whose loopback is the container's own (<see cref="RunInNetworkAsync"/>). Files it writes under /var are
/// seen from outside at <see cref="ScratchRoot.Root"/>. Disposing powers it off (SIGTERM to nspawn), then kills
/// whatever is left in its cgroup and removes the cgroup. Needs root, systemd-nspawn (systemd-container) and cgroups.
/// </summary>
internal sealed class SystemdContainer : IAsyncDisposable
{
    private static readonly string[] Hierarchies = ["/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/systemd"];

    private readonly EximProcess _nspawn;
    private readonly string _cgroup = "exim-test-" + Guid.NewGuid().ToString("N")[..12];

    private SystemdContainer(ScratchRoot scratch)
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "Exim.Host.Tests", "Deploy", "systemd-container.sh");
        // nsenter and bash exec: the process is nspawn itself, the container's PID 1 its child.
        _nspawn = EximProcess.StartExecutable("nsenter", scratch.WorkingDirectory, scratch.Enter("bash", script, scratch.Root, _cgroup));
    }

    /// <summary>PID 1 of the container, as this machine's pid namespace numbers it.</summary>
    public int InitPid { get; private set; }

    /// <summary>The container's console: systemd's boot and shutdown messages, and nspawn's errors.</summary>
    public string Console => _nspawn.Stdout + _nspawn.Stderr;

    /// <summary>Boots the container and waits until systemd has reached its default target (multi-user.target).</summary>
    public static async Task<SystemdContainer> BootAsync(ScratchRoot scratch)
    {
        var container = new SystemdContainer(scratch);
        try
        {
            await Wait.UntilOrFailAsync(() => container.FindInit() || container._nspawn.HasExited, TestTimeouts.Startup,
                () => "systemd-nspawn starting the container's systemd\n" + container.Console);
            if (container.InitPid == 0) throw new InvalidOperationException("systemd-nspawn exited before the container's systemd started:\n" + container.Console);
            // --wait: until the boot's jobs are done; "running", or "degraded" when a unit failed. Until systemd has made
            // /run/systemd/system ("offline": not booted with systemd) and its private socket (/run/systemd/private)
            // systemctl cannot tell: asked again then.
            var state = "";
            await Wait.UntilOrFailAsync(async () =>
            {
                var (_, stdout, stderr) = await container.SystemctlAsync("is-system-running", "--wait");
                state = stdout.Trim() + stderr.Trim();
                return state != "offline" && !stderr.Contains("Failed to connect to bus", StringComparison.Ordinal);
            }, TestTimeouts.Startup, () => "systemctl reaching the container's systemd: " + state + "\n" + container.Console);
            if (state is not ("running" or "degraded"))
                throw new InvalidOperationException($"the container's systemd did not finish booting: {state}\n{container.Console}");
            return container;
        }
        catch
        {
            await container.DisposeAsync();
            throw;
        }
    }

    /// <summary>systemctl in the container; returns its exit code and output.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> SystemctlAsync(params string[] args) => RunAsync(["systemctl", "--no-pager", .. args]);

    /// <summary>The named properties of a unit, as <c>systemctl show -p</c> prints them.</summary>
    public async Task<IReadOnlyDictionary<string, string>> ShowAsync(string unit, params string[] properties)
    {
        var (code, stdout, stderr) = await SystemctlAsync("show", unit, "-p", string.Join(',', properties));
        if (code != 0) throw new InvalidOperationException($"systemctl show {unit}: exit {code}: {stderr}");
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    /// <summary>The journal of the named units, for failure messages.</summary>
    public async Task<string> JournalAsync(params string[] units)
    {
        var (_, stdout, stderr) = await RunAsync(["journalctl", "--no-pager", "-o", "short-precise", .. units.SelectMany(u => new[] { "-u", u })]);
        return stdout + stderr;
    }

    /// <summary>A program of the container, in all its namespaces (mounts, pids, network, ...) and its root.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] command)
        => EximProcess.RunExecutableAsync("nsenter", "/", "", ["-t", Pid(InitPid), "-a", "--", .. command]);

    /// <summary>A program of this machine in the container's network namespace only (its loopback, its port 25).</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> RunInNetworkAsync(params string[] command)
        => EximProcess.RunExecutableAsync("nsenter", "/", "", ["-t", Pid(InitPid), "-n", "--", .. command]);

    private bool FindInit()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            // pid (comm) state ppid ...: comm may hold spaces, so split after its closing parenthesis.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[1] == Pid(_nspawn.Pid) && stat.Contains("(systemd)", StringComparison.Ordinal))
            {
                InitPid = pid;
                return true;
            }
        }
        return false;
    }

    private static string Pid(int pid) => pid.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        // nspawn answers SIGTERM by asking the container's systemd to power off (SIGRTMIN+3), and exits with it.
        if (!_nspawn.HasExited) _nspawn.Signal(Signals.SIGTERM);
        try
        {
            await _nspawn.WaitForExitAsync(TestTimeouts.Default);
        }
        catch (TimeoutException)
        {
            // Left running: whatever is in the cgroup (nspawn, the container's systemd and its services) is killed below.
        }
        foreach (var hierarchy in Hierarchies)
        {
            var cgroup = Path.Combine(hierarchy, _cgroup);
            if (!Directory.Exists(cgroup)) continue;
            var kill = Path.Combine(cgroup, "cgroup.kill"); // cgroup2: the whole subtree at once
            if (File.Exists(kill)) File.WriteAllText(kill, "1");
            // Children first; a cgroup whose last process is still being reaped refuses rmdir for a moment.
            await Wait.UntilAsync(() => RemoveTree(cgroup), TestTimeouts.Default);
        }
        await _nspawn.DisposeAsync();
    }

    /// <summary>Removes a cgroup and its children (name=systemd has no cgroup.kill: its processes are killed one by one).</summary>
    private static bool RemoveTree(string cgroup)
    {
        foreach (var child in Directory.GetDirectories(cgroup)) RemoveTree(child);
        try
        {
            foreach (var pid in File.ReadAllLines(Path.Combine(cgroup, "cgroup.procs")))
            {
                Signals.Send(int.Parse(pid, CultureInfo.InvariantCulture), Signals.SIGKILL);
            }
            Directory.Delete(cgroup);
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException) // busy, or a process gone meanwhile
        {
            return false;
        }
    }
}
