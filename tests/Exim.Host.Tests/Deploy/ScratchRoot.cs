using System.Diagnostics;
using Exim.TestKit;

namespace Exim.Host.Tests.Deploy;

/// <summary>
/// A scratch Debian root (Deploy/scratch-root.sh) held open in a private mount namespace: an overlay of this machine's
/// /usr, so that the maintainer scripts find adduser, update-alternatives and the rest, and a fresh /etc and /var with an
/// empty dpkg database. Commands enter the namespace with <c>nsenter</c>; the package is installed with
/// <c>dpkg --root</c>, which runs the maintainer scripts chrooted into it. Nothing outside the directory is written:
/// what dpkg puts under /usr lands in the overlay's upper directory, and the mounts end with the namespace.
/// Needs root (CI runs as root) and overlayfs.
/// </summary>
internal sealed class ScratchRoot : IAsyncDisposable
{
    private readonly TempDirectory _directory = new("exim-root");
    private readonly Process _holder;

    private ScratchRoot()
    {
        var script = Path.Combine(RepoPaths.Root, "tests", "Exim.Host.Tests", "Deploy", "scratch-root.sh");
        var psi = new ProcessStartInfo("unshare") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--mount", "--propagation", "private", "--", "bash", script, _directory.Path }) psi.ArgumentList.Add(a);
        _holder = Process.Start(psi) ?? throw new InvalidOperationException("cannot start unshare");
    }

    /// <summary>The root directory as seen from outside the namespace (its /usr is only seen from inside).</summary>
    public string Root => _directory.Combine("root");

    public string WorkingDirectory => _directory.Path;

    public static async Task<ScratchRoot> StartAsync()
    {
        var root = new ScratchRoot();
        using var cts = new CancellationTokenSource(TestTimeouts.Startup);
        var line = await root._holder.StandardOutput.ReadLineAsync(cts.Token);
        if (line != "ready")
        {
            var stderr = await root._holder.StandardError.ReadToEndAsync(cts.Token);
            await root.DisposeAsync();
            throw new InvalidOperationException("scratch-root.sh did not set up the root: " + line + "\n" + stderr);
        }
        return root;
    }

    /// <summary>The arguments that run a command inside the namespace.</summary>
    public string[] Enter(params string[] command) => ["-t", _holder.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "--", .. command];

    /// <summary>Runs a program of the scratch root, chrooted into it; a failure throws with its output.</summary>
    public Task<string> ChrootAsync(params string[] command) => DebianPackage.RunAsync("nsenter", TestTimeouts.Startup, Enter(["chroot", Root, .. command]));

    /// <summary>Runs a program of the scratch root, chrooted into it; returns its exit code and output.</summary>
    public Task<(int ExitCode, string Stdout, string Stderr)> TryChrootAsync(string input, params string[] command)
        => EximProcess.RunExecutableAsync("nsenter", WorkingDirectory, input, Enter(["chroot", Root, .. command]));

    /// <summary>Starts a long-running program of the scratch root (the daemon), chrooted into it.</summary>
    public EximProcess StartChrooted(params string[] command) => EximProcess.StartExecutable("nsenter", WorkingDirectory, Enter(["chroot", Root, .. command]));

    /// <summary>This machine's dpkg on the scratch root's database; it chroots into the root to run maintainer scripts.</summary>
    public Task<string> DpkgAsync(params string[] args)
        => DebianPackage.RunAsync("nsenter", TimeSpan.FromMinutes(2), Enter(["dpkg", "--root=" + Root, "--log=" + _directory.Combine("dpkg.log"), .. args]));

    /// <summary>Whether a path of the scratch root exists (a dangling link counts), looked at from inside, where /usr is the overlay.</summary>
    public async Task<bool> ExistsAsync(string path)
        => (await TryChrootAsync("", "sh", "-c", $"test -e '{path}' || test -L '{path}'")).ExitCode == 0;

    /// <summary>The messages delivered into the Maildir <c>/var/mail/&lt;mailbox&gt;</c> of the root (its new/ files' contents).</summary>
    public IEnumerable<string> Delivered(string mailbox)
    {
        var dir = Path.Combine(Root, "var", "mail", mailbox, "new");
        return Directory.Exists(dir) ? Directory.GetFiles(dir).Select(Wait.ReadShared) : [];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_holder.HasExited)
        {
            _holder.Kill();
            await _holder.WaitForExitAsync(new CancellationTokenSource(TestTimeouts.Default).Token);
        }
        _holder.Dispose();
        _directory.Dispose();
    }
}
