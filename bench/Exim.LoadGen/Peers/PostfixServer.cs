using System.Diagnostics;
using System.Net.Sockets;

namespace Exim.LoadGen.Peers;

/// <summary>
/// A real Postfix (the unpacked Debian package's daemons, <see cref="PostfixTree"/>) run by its own <c>master -d</c> with a
/// scratch <c>config_directory</c> and <c>queue_directory</c> in a temporary directory, listening on 127.0.0.1:port.
/// <para>Nothing is chrooted; <c>mail_owner</c> is <c>nobody</c> (an unprivileged user that exists everywhere: Postfix only
/// asks that it differ from <c>default_privs</c>, here <c>daemon</c>, and that its group differ from <c>setgid_group</c>,
/// here <c>mail</c>). Logs go to <c>maillog</c> in the directory through postlogd.</para>
/// <para>Every message is put on hold as it is received (<c>smtpd_data_restrictions = check_client_access static:HOLD</c>):
/// cleanup writes the queue file, fsyncs it and renames it into <c>hold/</c>, then replies, and nothing else touches it. That
/// is the state our daemon's bench configuration leaves a message in (no routers: received, durable, queued, nothing
/// delivers it), so both do the same work per message and neither does delivery work alongside. (A <c>discard:</c>
/// default_transport would add the queue manager's and the discard agent's work per message; <c>defer_transports</c>
/// would add a move to <c>deferred/</c> and a defer log per message.) Postfix fsyncs the queue file but not the
/// directory after the rename; it relies on the filesystem's ordering, where we fsync the directory too.</para>
/// </summary>
internal sealed class PostfixServer : IAsyncDisposable
{
    private readonly Process _master;

    private PostfixServer(Process master, string directory, int port) => (_master, Directory, Port) = (master, directory, port);

    public string Directory { get; }

    public int Port { get; }

    /// <summary>The master's pid; its children (smtpd, cleanup, ...) are found through <see cref="ProcessIds"/>.</summary>
    public int MasterPid => _master.Id;

    public string QueueDirectory => Path.Combine(Directory, "queue");

    /// <param name="tree">The unpacked Postfix.</param>
    /// <param name="port">Its SMTP port on 127.0.0.1.</param>
    /// <param name="parent">Where its directory goes (default: the temporary directory).</param>
    /// <param name="relayHost">Where held messages go once released (<c>postsuper -H ALL</c>): <c>relayhost</c>, e.g. an smtp-sink.</param>
    public static async Task<PostfixServer> StartAsync(PostfixTree tree, int port, string? parent = null, string? relayHost = null)
    {
        // Short: postlogd's socket is named by its full path (queue/public/postlog), and a unix socket's name has 107 bytes.
        var dir = parent is null ? Path.Combine(Path.GetTempPath(), $"postfix-{Guid.NewGuid().ToString("N")[..8]}") : Path.Combine(parent, "postfix");
        var conf = Path.Combine(dir, "conf");
        var queue = Path.Combine(dir, "queue");
        var data = Path.Combine(dir, "data");
        System.IO.Directory.CreateDirectory(conf);
        System.IO.Directory.CreateDirectory(queue);
        System.IO.Directory.CreateDirectory(data);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        File.WriteAllText(Path.Combine(conf, "main.cf"), $"""
            compatibility_level = 3.6
            config_directory = {conf}
            queue_directory = {queue}
            data_directory = {data}
            meta_directory = {conf}
            command_directory = {tree.CommandDirectory}
            daemon_directory = {tree.DaemonDirectory}
            shlib_directory = {tree.LibraryDirectory}
            mail_owner = nobody
            default_privs = daemon
            setgid_group = mail
            myhostname = postfix.bench.example
            mydomain = bench.example
            myorigin = $myhostname
            mydestination =
            relay_domains = bench.example
            inet_interfaces = 127.0.0.1
            inet_protocols = ipv4
            mynetworks = 127.0.0.0/8
            smtpd_relay_restrictions = permit_mynetworks, reject
            smtpd_data_restrictions = check_client_access static:HOLD
            alias_maps =
            alias_database =
            local_recipient_maps =
            biff = no
            append_dot_mydomain = no
            smtputf8_enable = no
            maillog_file = {Path.Combine(dir, "maillog")}
            maillog_file_prefixes = {dir}
            import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG=C LD_LIBRARY_PATH
            default_process_limit = 200
            smtpd_client_connection_count_limit = 0
            """ + "\n" + (relayHost is null ? "" : $"relayhost = {relayHost}\nsmtp_tls_security_level = none\n"));
        File.WriteAllText(Path.Combine(conf, "master.cf"), $"""
            127.0.0.1:{port} inet n - n - - smtpd
            pickup    unix  n - n 60 1 pickup
            cleanup   unix  n - n - 0 cleanup
            qmgr      unix  n - n 300 1 qmgr
            rewrite   unix  - - n - - trivial-rewrite
            bounce    unix  - - n - 0 bounce
            defer     unix  - - n - 0 bounce
            trace     unix  - - n - 0 bounce
            verify    unix  - - n - 1 verify
            flush     unix  n - n 1000? 0 flush
            proxymap  unix  - - n - - proxymap
            anvil     unix  - - n - 1 anvil
            scache    unix  - - n - 1 scache
            discard   unix  - - n - - discard
            postlog   unix-dgram n - n - 1 postlogd
            """ + "\n" + (relayHost is null ? "" : "smtp      unix  - - n - - smtp\nrelay     unix  - - n - - smtp\n"));
        // What post-install would create: the queue's directories, owned by mail_owner (public and maildrop also by the
        // setgid group), and pid/ by root.
        foreach (var sub in new[] { "active", "bounce", "corrupt", "defer", "deferred", "flush", "hold", "incoming", "saved", "trace", "private", "public", "maildrop" })
        {
            var path = Path.Combine(queue, sub);
            System.IO.Directory.CreateDirectory(path);
            await RunAsync("chown", sub is "public" or "maildrop" ? "nobody:mail" : "nobody", path);
            File.SetUnixFileMode(path, sub switch { "public" => (UnixFileMode)0b111_001_000, "maildrop" => (UnixFileMode)0b111_011_000, _ => (UnixFileMode)0b111_000_000 });
        }
        System.IO.Directory.CreateDirectory(Path.Combine(queue, "pid"));
        await RunAsync("chown", "nobody", data);

        var master = Process.Start(tree.Start(Path.Combine(tree.DaemonDirectory, "master"), "-d", "-c", conf))!;
        var server = new PostfixServer(master, dir, port);
        for (var i = 0; i < 300; i++)
        {
            if (master.HasExited)
            {
                throw new InvalidOperationException($"postfix master exited with {master.ExitCode} (its configuration and queue are kept in {dir}): {await master.StandardError.ReadToEndAsync()}{server.LogTail()}");
            }
            try
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
                var buffer = new byte[512];
                var n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5));
                if (n >= 3 && buffer[0] == '2' && buffer[1] == '2' && buffer[2] == '0')
                {
                    await socket.SendAsync("QUIT\r\n"u8.ToArray(), SocketFlags.None);
                    return server;
                }
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
            }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new InvalidOperationException("postfix did not answer within 30 s" + server.LogTail());
    }

    /// <summary>Messages in the hold queue: the received ones (each one durable before its 250).</summary>
    public int Held() => System.IO.Directory.EnumerateFiles(Path.Combine(QueueDirectory, "hold"), "*", SearchOption.AllDirectories).Count();

    /// <summary>The master and all its descendants (smtpd, cleanup, ...), for CPU time and memory.</summary>
    public IReadOnlyList<int> ProcessIds() => ProcStat.Descendants(_master.Id);

    public string LogTail()
    {
        var log = Path.Combine(Directory, "maillog");
        return File.Exists(log) ? "\n" + string.Join('\n', File.ReadLines(log).TakeLast(20)) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_master.HasExited)
        {
            // SIGTERM: the master stops its children and goes.
            await RunAsync("kill", "-TERM", _master.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                await _master.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                _master.Kill(entireProcessTree: true);
            }
        }
        _master.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static async Task RunAsync(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {await p.StandardError.ReadToEndAsync()}");
    }
}
