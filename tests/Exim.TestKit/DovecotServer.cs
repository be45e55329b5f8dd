using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A real Dovecot (Debian's dovecot-core) in one of two roles, each with its own minimal dovecot.conf in a temp
/// directory (its own base_dir, state_dir and log, so nothing is shared with a system Dovecot the package may have
/// started): serving only its authentication (<see cref="StartAsync"/>: no protocols, so nothing listens on a network
/// port; a passwd-file passdb and the auth-client socket at <see cref="AuthClientSocket"/>), or delivering by LMTP
/// (<see cref="StartLmtpAsync"/>: Debian's dovecot-lmtpd on a Unix socket and a loopback port, into throwaway maildirs).
/// Run in the foreground (<c>-F</c>) as our child and stopped with SIGTERM.
/// </summary>
public sealed class DovecotServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly TempDirectory _directory;

    private DovecotServer(Process process, TempDirectory directory, int lmtpPort = 0)
    {
        _process = process;
        _directory = directory;
        LmtpPort = lmtpPort;
    }

    /// <summary>The LMTP Unix socket (the lmtp transport's <c>socket</c>).</summary>
    public string LmtpSocket => LmtpSocketIn(_directory);

    /// <summary>Where the LMTP socket of a Dovecot started in <paramref name="directory"/> is (or will be).</summary>
    public static string LmtpSocketIn(TempDirectory directory) => directory.Combine("run", "lmtp");

    /// <summary>The LMTP port on 127.0.0.1 (the lmtp transport's <c>host</c> and <c>port</c>); 0 for an auth-only Dovecot.</summary>
    public int LmtpPort { get; }

    /// <summary>The files delivered into <paramref name="user"/>'s maildir (<c>new/</c>), oldest first.</summary>
    public IReadOnlyList<string> Delivered(string user)
    {
        var dir = _directory.Combine("home", user, "Maildir", "new");
        return Directory.Exists(dir) ? [.. Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];
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
        return await LaunchAsync(directory, config, 0, server => server.Answers(server.AuthClientSocket));
    }

    /// <summary>
    /// Starts Dovecot delivering by LMTP for <paramref name="users"/> (local parts of <paramref name="domain"/>; any other
    /// recipient is unknown: <c>550 5.1.1 ... User doesn't exist</c>), on <see cref="LmtpSocket"/> and on a free loopback
    /// port. Each user's mail goes to a maildir under the temp directory, owned by the test process's user, or by nobody
    /// when the tests run as root (Dovecot never delivers as root). <paramref name="directory"/>, when given, is where it
    /// runs (so a test can name its socket before it starts); the server owns it from then on.
    /// </summary>
    public static async Task<DovecotServer> StartLmtpAsync(string domain, string[] users, TempDirectory? directory = null)
    {
        directory ??= new TempDirectory("exim-dovecot");
        File.SetUnixFileMode(directory.Path, (UnixFileMode)0b111_101_101);
        var root = Environment.UserName == "root";
        var (uid, gid) = root ? (NobodyProcess.Uid, NobodyProcess.Uid) : (Id("-u"), Id("-g"));
        var home = directory.Combine("home");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(directory.Combine("state"));
        File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111); // the mail user creates its own maildir here
        var passwd = directory.Write("passwd", string.Concat(users.Select(u => $"{u}@{domain}:{{PLAIN}}unused:{uid}:{gid}::{Path.Combine(home, u)}::\n")));
        File.SetUnixFileMode(passwd, (UnixFileMode)0b110_100_100);
        var port = LoopbackPorts.FreeUdpAndTcp();
        var internalUsers = root ? "" : $"default_internal_user = {Environment.UserName}\ndefault_login_user = {Environment.UserName}\n";
        var config = directory.Write("dovecot.conf", $$"""
            base_dir = {{directory.Combine("run")}}
            state_dir = {{directory.Combine("state")}}
            log_path = {{directory.Combine("dovecot.log")}}
            instance_name = exim-test-{{Path.GetFileName(directory.Path)}}
            {{internalUsers}}protocols = lmtp
            listen = 127.0.0.1
            ssl = no
            first_valid_uid = 1
            mail_location = maildir:~/Maildir
            postmaster_address = postmaster@{{domain}}
            passdb {
              driver = passwd-file
              args = {{passwd}}
            }
            userdb {
              driver = passwd-file
              args = {{passwd}}
            }
            service lmtp {
              unix_listener lmtp {
                mode = 0666
              }
              inet_listener lmtp {
                address = 127.0.0.1
                port = {{port}}
              }
            }
            service anvil {
              chroot =
            }
            """);
        return await LaunchAsync(directory, config, port, server => server.Answers(server.LmtpSocket));
    }

    private static int Id(string flag)
    {
        var psi = new ProcessStartInfo("id", flag) { RedirectStandardOutput = true, UseShellExecute = false };
        using var id = Process.Start(psi)!;
        var text = id.StandardOutput.ReadToEnd();
        id.WaitForExit();
        return int.Parse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<DovecotServer> LaunchAsync(TempDirectory directory, string config, int lmtpPort, Func<DovecotServer, bool> ready)
    {
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
        var server = new DovecotServer(process, directory, lmtpPort);
        try
        {
            await Wait.UntilOrFailAsync(() => process.HasExited || ready(server), TestTimeouts.Startup,
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

    /// <summary>Whether <paramref name="path"/> takes connections.</summary>
    private bool Answers(string path)
    {
        if (!File.Exists(path)) return false;
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(path));
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
