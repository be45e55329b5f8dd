using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A real Dovecot (Debian's dovecot-core) serving only its authentication: its own minimal dovecot.conf in a temp
/// directory (its own base_dir, state_dir and log, no protocols, so nothing listens on a network port and nothing is
/// shared with a system Dovecot the package may have started), a passwd-file passdb, and the auth-client socket at
/// <see cref="AuthClientSocket"/>. Run in the foreground (<c>-F</c>) as our child and stopped with SIGTERM.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private DovecotServer(Process process, TempDirectory directory)
    {
        _process = process;
        _directory = directory;
    }

    /// <summary>The auth-client socket (Exim's dovecot authenticator's server_socket).</summary>
    public string AuthClientSocket => _directory.Combine("run", "auth-client");

    /// <summary>Dovecot's own log, with auth_debug: each request as it came (<c>client in: AUTH ... resp=&lt;hidden&gt;</c>).</summary>
    public string Log => File.Exists(_directory.Combine("dovecot.log")) ? Wait.ReadShared(_directory.Combine("dovecot.log")) : "";

    /// <summary>Starts Dovecot with <paramref name="passwd"/> as its passwd-file (Dovecot's syntax: <c>user:{SCHEME}password</c>).</summary>
    /// <param name="passwd">The passwd-file's text.</param>
    /// <param name="mechanisms">Dovecot's auth_mechanisms.</param>
    public static async Task<DovecotServer> StartAsync(string passwd, string mechanisms = "plain login cram-md5")
    {
        var directory = new TempDirectory("exim-dovecot");
        // The auth process runs as the dovecot user: it must be able to reach and read the passwd-file.
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        var passwdPath = directory.Write("passwd", passwd);
        File.SetUnixFileMode(passwdPath, (UnixFileMode)0b110_100_100);
        // As root, Dovecot drops to the dovecot and dovenull users Debian's package creates; otherwise everything runs as us.
        var users = Environment.UserName == "root" ? "" : $"default_internal_user = {Environment.UserName}\ndefault_login_user = {Environment.UserName}\n";
        var config = directory.Write("dovecot.conf", $$"""
            base_dir = {{directory.Combine("run")}}
            state_dir = {{directory.Combine("state")}}
            log_path = {{directory.Combine("dovecot.log")}}
            instance_name = exim-test-{{Path.GetFileName(directory.Path)}}
            {{users}}protocols =
            listen = 127.0.0.1
            ssl = no
            auth_mechanisms = {{mechanisms}}
            auth_failure_delay = 0
            auth_debug = yes
            passdb {
              driver = passwd-file
              args = {{passwdPath}}
            }
            userdb {
              driver = static
              args = uid=nobody gid=nogroup home=/nonexistent
            }
            service auth {
              unix_listener auth-client {
                mode = 0666
              }
            }
            service anvil {
              chroot =
            }
            """);
        Directory.CreateDirectory(directory.Combine("state"));
        var psi = new ProcessStartInfo("dovecot") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-F", "-c", config }) psi.ArgumentList.Add(a);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start dovecot");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            directory.Dispose();
            throw new InvalidOperationException("cannot start dovecot (apt-get install dovecot-core)", e);
        }
        var output = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var server = new DovecotServer(process, directory);
        try
        {
            await Wait.UntilOrFailAsync(() => process.HasExited || server.Answers(), TestTimeouts.Startup,
                () => $"dovecot start:\n{Text(output)}\n{server.Log}");
            if (process.HasExited) throw new InvalidOperationException($"dovecot exited:\n{Text(output)}\n{server.Log}");
            return server;
        }
        catch
        {
            await server.DisposeAsync(); // stops it if it runs, and removes its directory
            throw;
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output) return output.ToString();
    }

    /// <summary>Whether the auth-client socket takes connections.</summary>
    private bool Answers()
    {
        if (!File.Exists(AuthClientSocket)) return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(AuthClientSocket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Signals.Send(_process.Id, Signals.SIGTERM); // the master stops its children and removes its sockets
            using var cts = new CancellationTokenSource(TestTimeouts.Default);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
        _directory.Dispose();
    }
}
