using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

// End-to-end load generator for exim -bd (issue: daemon benchmarks). It starts the daemon from the checkout on
// 127.0.0.1 with a temporary spool, drives it with real TCP clients, and prints the figures.
//
//   dotnet run -c Release --project bench/Exim.LoadGen -- [seconds-per-run] [idle-sessions] [hook|stages|tls [rounds]]
//
// With "hook", the daemon runs a trivial accept script ([hooks] accept) on every connection, for comparing
// connections/s with and without it.
// Runs: the daemon's RSS with N idle sessions open (first, on a fresh daemon); then connections/s (connect, banner, QUIT) and messages/s (1 KB messages; one per connection, and ten per
// connection) at concurrency 1, 32 and 256.
// With "stages", the same machine in the same run compares a daemon without hooks against one with all six SMTP stage
// hooks present and trivial (accept, helo, mail, rcpt, predata, data): connections/s and messages/s (1 KB, ten per
// reused connection) at c=32, alternating the two daemons (three rounds unless told) so drift hits both alike.
// With "tls", one daemon with a certificate (a throwaway self-signed ECDSA P-256 one) compares, at c=32 and alternating
// (three rounds unless told): handshakes/s (EHLO, STARTTLS, the handshake, QUIT) against the same dialogue in clear
// (EHLO, QUIT), and messages/s (1 KB, ten per reused connection) over STARTTLS against clear; then the daemon's RSS per
// idle session, in clear and after STARTTLS (idle-sessions of each, default 2000 in this mode).
// With "startup" (issue 14's start-up target), the first argument is the number of runs: exec to the first 220 banner
// on 127.0.0.1, for Postfix's smtp-sink (Debian's postfix package, unpacked once into .tools/postfix with apt-get
// download + dpkg -x) and for exim -bdf on the bundled exim.toml (the checkout's build, and a packaged self-contained
// ReadyToRun one if deploy/build-deb.sh has staged it under .build/deb, and any listed in EXIM_STARTUP_BUILDS, colon
// separated); medians and the ratio to smtp-sink.
//   dotnet run -c Release --project bench/Exim.LoadGen -- 9 0 startup
// With "memory", RSS and PSS at rest and with idle-sessions idle sessions open, PASS/FAIL against 100 MB; with "gcmodes",
// the same and c=32 rates with the PSS during them under each GC mode, side by side (Memory.cs).
//   dotnet run -c Release --project bench/Exim.LoadGen -- 5 10000 memory     (or: 5 10000 gcmodes [rounds])
// With "compare" (issue 15, Compare.cs): receive at c=32 by Postfix's smtp-source, ours against Postfix 3.7, smtp-sink and
// a write+fsync+rename+directory-fsync loop, alternating; "sustained"/"sustained-new": ours for 3 minutes, per-10s rates.
//   dotnet run -c Release --project bench/Exim.LoadGen -- 10 0 compare 3
//   dotnet run -c Release --project bench/Exim.LoadGen -- 180 0 sustained
// With "postfix-drain [messages] [rounds]": Postfix draining held messages to smtp-sink, first to last (PostfixDrain.cs).
if (args is ["postfix-drain", ..]) // [messages] [rounds]: Postfix draining held messages to smtp-sink (see PostfixDrain)
{
    Environment.ExitCode = await Exim.LoadGen.PostfixDrain.RunAsync(FindRoot(), args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 2000,
        args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 3);
    return;
}
var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var idleSessions = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
var mode = args.Length > 2 ? args[2] : "";
var rounds = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 3;
var root = FindRoot();
// EXIM_LOADGEN_BUILD: another build to drive instead of the checkout's framework-dependent one, e.g. the package's
// composite self-contained host as deploy/build-deb.sh stages it (.../usr/lib/exim/exim, with its plugins/ beside it).
var exim = Environment.GetEnvironmentVariable("EXIM_LOADGEN_BUILD") is { Length: > 0 } build ? build : Path.Combine(root, "src/Host/bin/Release/net10.0/exim.dll");
if (!File.Exists(exim)) exim = Path.Combine(root, "src/Host/bin/Debug/net10.0/exim.dll");
var body = "Subject: load\r\n\r\n" + string.Concat(Enumerable.Repeat(new string('x', 76) + "\r\n", 12)) + new string('y', 40) + "\r\n";
const string AcceptScript = "return Connection.RemotePort == 0 ? Verdict.Reject(\"no port\") : Verdict.Accept;";
const string StageScript = """
    switch (Stage)
    {
        case SmtpStage.Helo: return Helo.Length == 0 ? Verdict.Reject("x") : Verdict.Accept;
        case SmtpStage.Mail: return Sender.EndsWith(".invalid") ? Verdict.Reject("x") : Verdict.Accept;
        case SmtpStage.Rcpt: return Recipient.StartsWith("nobody@") ? Verdict.Reject("x") : Verdict.Accept;
        case SmtpStage.Predata: return Recipients.Count > 100 ? Verdict.Reject("x") : Verdict.Accept;
        default: return Message.Size > 50_000_000 ? Verdict.Reject("x") : Verdict.Accept;
    }
    """;
const string StageHooks = "\n[hooks]\naccept = \"accept.csx\"\nhelo = \"stage.csx\"\nmail = \"stage.csx\"\nrcpt = \"stage.csx\"\npredata = \"stage.csx\"\ndata = \"stage.csx\"\n";

if (mode is "compare" or "sustained" or "sustained-new") // Compare.cs: receive side by side with Postfix, smtp-sink, an fsync loop; sustained rate
{
    await Exim.LoadGen.Compare.RunAsync(root, exim, mode, seconds, rounds);
    return;
}

if (mode == "startup")
{
    await Startup.RunAsync(root, Math.Max(3, seconds));
    return;
}

if (mode is "memory" or "gcmodes")
{
    var rootUser = Environment.UserName == "root" ? "exim_user = \"root\"" : "";
    Environment.ExitCode = await Memory.RunAsync(() => Daemon.StartAsync(exim, root, "", AcceptScript, StageScript, rootUser), d => Run(d, "  connections/s c=32", 32, seconds, c => Connection(c, 0)),
        d => Run(d, "  messages/s 10/conn c=32", 32, seconds, c => Connection(c, 10)), idleSessions, mode == "gcmodes", args.Length > 3 ? rounds : 1);
    return;
}

if (mode == "tls")
{
    var certDir = Path.Combine(Path.GetTempPath(), $"exim-loadgen-cert-{Guid.NewGuid():N}");
    var (certPath, keyPath) = SelfSigned(certDir, "bench.example");
    var tlsMain = $"tls_certificate = \"{certPath}\"\ntls_privatekey = \"{keyPath}\"\n";
    var idleTls = args.Length > 1 ? idleSessions : 2000;
    var results = new Dictionary<string, List<double>>();
    await using (var d = await Daemon.StartAsync(exim, root, "", AcceptScript, StageScript, tlsMain))
    {
        Console.WriteLine($"exim pid {d.Process.Id} on 127.0.0.1:{d.Port}; {seconds}s per run; {Environment.ProcessorCount} cores; client and daemon share them");
        await Run(d, "warm-up", 8, 2, c => TlsConnection(c, 10, tls: true));
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, work) in new (string, Func<Client, Task<int>>)[]
            {
                ("handshakes/s c=32 clear", c => TlsConnection(c, 0, tls: false)),
                ("handshakes/s c=32 STARTTLS", c => TlsConnection(c, 0, tls: true)),
                ("messages/s 10/conn c=32 clear", c => TlsConnection(c, 10, tls: false)),
                ("messages/s 10/conn c=32 STARTTLS", c => TlsConnection(c, 10, tls: true)),
            })
            {
                results.TryAdd(name, []);
                results[name].Add(await Run(d, $"round {round} {name}", 32, seconds, work));
            }
        }
        Console.WriteLine($"medians of {rounds} rounds:");
        foreach (var (name, values) in results) Console.WriteLine($"  {name,-34} {Median(values),10:N0} /s");
    }
    await using (var d = await Daemon.StartAsync(exim, root, "", AcceptScript, StageScript, tlsMain))
    {
        await Idle(d, idleTls, tls: false);
    }
    await using (var d = await Daemon.StartAsync(exim, root, "", AcceptScript, StageScript, tlsMain))
    {
        await Idle(d, idleTls, tls: true);
    }
    Directory.Delete(certDir, recursive: true);
    return;
}

if (mode == "stages")
{
    // Every daemon's directory is deleted only at the end: deleting tens of thousands of spool files between runs makes
    // ext4 slow to allocate inodes for the next run's (recently_deleted), whichever daemon that is.
    var results = new Dictionary<string, List<double>>();
    var leftovers = new List<Daemon>();
    for (var round = 1; round <= rounds; round++)
    {
        foreach (var (variant, hooks) in new[] { ("no hooks", ""), ("six stage hooks", StageHooks) })
        {
            var d = await Daemon.StartAsync(exim, root, hooks, AcceptScript, StageScript);
            leftovers.Add(d);
            Console.WriteLine($"round {round}, {variant}: pid {d.Process.Id} on 127.0.0.1:{d.Port}");
            await Run(d, "warm-up", 8, 2, c => Connection(c, 10));
            var conns = await Run(d, $"  connections/s c=32", 32, seconds, c => Connection(c, 0));
            var msgs = await Run(d, $"  messages/s 10/conn c=32", 32, seconds, c => Connection(c, 10));
            results.TryAdd($"{variant} connections/s", []);
            results.TryAdd($"{variant} messages/s", []);
            results[$"{variant} connections/s"].Add(conns);
            results[$"{variant} messages/s"].Add(msgs);
            await d.StopAsync();
        }
    }
    foreach (var d in leftovers) await d.DisposeAsync();
    Console.WriteLine($"{Environment.ProcessorCount} cores, {seconds}s per run, medians of {rounds} rounds:");
    foreach (var what in new[] { "connections/s", "messages/s" })
    {
        var without = Median(results[$"no hooks {what}"]);
        var with = Median(results[$"six stage hooks {what}"]);
        Console.WriteLine($"  {what,-14} no hooks {without,10:N0}   six stage hooks {with,10:N0}   change {(with - without) / without * 100,6:F1}%");
    }
    return;
}

{
    await using var d = await Daemon.StartAsync(exim, root, mode == "hook" ? "\n[hooks]\naccept = \"accept.csx\"\n" : "", AcceptScript, StageScript);
    Console.WriteLine($"exim {exim} pid {d.Process.Id} on 127.0.0.1:{d.Port}; {seconds}s per run; {Environment.ProcessorCount} cores{(mode == "hook" ? "; accept hook on" : "")}");
    await Idle(d, idleSessions); // first, on a fresh daemon
    await Run(d, "warm-up", 8, 2, c => Connection(c, 1));
    foreach (var concurrency in new[] { 1, 32, 256 }) await Run(d, $"connections/s c={concurrency}", concurrency, seconds, c => Connection(c, 0));
    foreach (var concurrency in new[] { 1, 32, 256 }) await Run(d, $"messages/s 1/conn c={concurrency}", concurrency, seconds, c => Connection(c, 1));
    foreach (var concurrency in new[] { 1, 32, 256 }) await Run(d, $"messages/s 10/conn c={concurrency}", concurrency, seconds, c => Connection(c, 10));
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted[sorted.Count / 2];
}

async Task<double> Run(Daemon daemon, string name, int concurrency, int duration, Func<Client, Task<int>> work)
{
    var endpoint = new IPEndPoint(IPAddress.Loopback, daemon.Port);
    using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(duration));
    long done = 0, failed = 0;
    var sw = Stopwatch.StartNew();
    var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var c = await Client.ConnectAsync(endpoint);
                Interlocked.Add(ref done, await work(c));
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidOperationException or TimeoutException or System.Security.Authentication.AuthenticationException)
            {
                Interlocked.Increment(ref failed);
            }
        }
    })).ToArray();
    await Task.WhenAll(workers);
    var rate = done / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"{name,-28} {rate,10:N0} /s   ({done} in {sw.Elapsed.TotalSeconds:F1}s, {failed} failed)");
    return rate;
}

async Task<int> Connection(Client c, int messages)
{
    Expect(await c.ReplyAsync(), "220");
    if (messages == 0)
    {
        Expect(await c.CommandAsync("QUIT"), "221");
        return 1;
    }
    Expect(await c.CommandAsync("EHLO load.example"), "250");
    await MessagesThenQuit(c, messages);
    return messages;
}

// `messages` 1 KB messages, pipelined as a client does, then QUIT.
async Task MessagesThenQuit(Client c, int messages)
{
    for (var i = 0; i < messages; i++)
    {
        await c.SendAsync("MAIL FROM:<load@client.example>\r\nRCPT TO:<sink@bench.example>\r\nDATA\r\n");
        Expect(await c.ReplyAsync(), "250");
        Expect(await c.ReplyAsync(), "250");
        Expect(await c.ReplyAsync(), "354");
        Expect(await c.CommandAsync(body + "."), "250");
    }
    Expect(await c.CommandAsync("QUIT"), "221");
}

// EHLO, optionally STARTTLS and the handshake (and EHLO again), then `messages` 1 KB messages, then QUIT; counts the
// messages, or the connection when there are none.
async Task<int> TlsConnection(Client c, int messages, bool tls)
{
    Expect(await c.ReplyAsync(), "220");
    Expect(await c.CommandAsync("EHLO load.example"), "250");
    if (tls)
    {
        Expect(await c.CommandAsync("STARTTLS"), "220");
        await c.StartTlsAsync();
        Expect(await c.CommandAsync("EHLO load.example"), "250");
    }
    await MessagesThenQuit(c, messages);
    return Math.Max(messages, 1);
}

static (string Certificate, string Key) SelfSigned(string directory, string name)
{
    Directory.CreateDirectory(directory);
    using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
    var request = new System.Security.Cryptography.X509Certificates.CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
    using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    var (certPath, keyPath) = (Path.Combine(directory, "cert.pem"), Path.Combine(directory, "key.pem"));
    File.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n");
    File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
    return (certPath, keyPath);
}

async Task Idle(Daemon daemon, int count, bool tls = false)
{
    var endpoint = new IPEndPoint(IPAddress.Loopback, daemon.Port);
    var (before, anonBefore) = (Rss(daemon.Process.Id, "VmRSS:"), Rss(daemon.Process.Id, "RssAnon:"));
    var clients = new List<Client>(count);
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < count; i++)
    {
        var c = await Client.ConnectAsync(endpoint);
        Expect(await c.ReplyAsync(), "220");
        if (tls)
        {
            Expect(await c.CommandAsync("EHLO idle.example"), "250");
            Expect(await c.CommandAsync("STARTTLS"), "220");
            await c.StartTlsAsync();
        }
        clients.Add(c);
    }
    var opened = sw.Elapsed;
    foreach (var settle in new[] { 1, 10 })
    {
        await Task.Delay(TimeSpan.FromSeconds(settle == 1 ? 1 : 9));
        var (after, anonAfter) = (Rss(daemon.Process.Id, "VmRSS:"), Rss(daemon.Process.Id, "RssAnon:"));
        Console.WriteLine($"idle {(tls ? "TLS " : "")}sessions: {count} opened in {opened.TotalSeconds:F1}s; after {settle,2}s: daemon RSS {before / 1024} MiB before -> {after / 1024} MiB with them open ({(after - before) * 1024.0 / count:F0} bytes/session); private (RssAnon) {anonBefore / 1024} -> {anonAfter / 1024} MiB");
    }
    foreach (var c in clients) await c.DisposeAsync();
}

static long Rss(int pid, string field)
{
    foreach (var line in File.ReadLines($"/proc/{pid}/status"))
    {
        if (line.StartsWith(field, StringComparison.Ordinal)) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    return 0;
}

static void Expect(string reply, string code)
{
    if (!reply.StartsWith(code, StringComparison.Ordinal)) throw new InvalidOperationException($"expected {code}, got {reply}");
}

static string FindRoot()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    for (var i = 0; i < 12 && d is not null; i++, d = d.Parent)
    {
        if (File.Exists(Path.Combine(d.FullName, "Exim.slnx"))) return d.FullName;
    }
    throw new InvalidOperationException("run from the checkout");
}

sealed class Client : IAsyncDisposable
{
    private readonly Socket _socket;
    private System.Net.Security.SslStream? _tls;
    private readonly byte[] _buffer = new byte[8192];
    private int _start, _end;

    private Client(Socket socket) => _socket = socket;

    public static async Task<Client> ConnectAsync(IPEndPoint endpoint)
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        s.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Linger, new LingerOption(true, 0));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await s.ConnectAsync(endpoint, cts.Token);
        return new Client(s);
    }

    public Task SendAsync(string text) => _tls is not null
        ? _tls.WriteAsync(Encoding.ASCII.GetBytes(text)).AsTask()
        : _socket.SendAsync(Encoding.ASCII.GetBytes(text), SocketFlags.None);

    /// <summary>The client's side of STARTTLS; the bench's certificate is self-signed, so any certificate is taken.</summary>
    public async Task StartTlsAsync()
    {
        var ssl = new System.Net.Security.SslStream(new NetworkStream(_socket, ownsSocket: false));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await ssl.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "bench.example",
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
        }, cts.Token);
        _tls = ssl;
    }

    public async Task<string> CommandAsync(string command)
    {
        await SendAsync(command + "\r\n");
        return await ReplyAsync();
    }

    public async Task<string> ReplyAsync()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var sb = new StringBuilder();
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var line = Encoding.ASCII.GetString(_buffer, _start, lf - _start);
                _start = lf + 1;
                sb.Append(line);
                if (line.Length < 4 || line[3] != '-') return sb.ToString();
                continue;
            }
            if (_start == _end) _start = _end = 0;
            var n = _tls is not null
                ? await _tls.ReadAsync(_buffer.AsMemory(_end), cts.Token)
                : await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cts.Token);
            if (n == 0) throw new IOException("closed");
            _end += n;
        }
    }

    public ValueTask DisposeAsync()
    {
        _tls?.Dispose();
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}

/// <summary>An exim -bd from the checkout on 127.0.0.1, port 0, in a temporary directory with the given [hooks].</summary>
sealed class Daemon : IAsyncDisposable
{
    private readonly string _dir;

    private Daemon(Process process, int port, string dir) => (Process, Port, _dir) = (process, port, dir);

    public Process Process { get; }
    public int Port { get; }

    public static async Task<Daemon> StartAsync(string exim, string root, string hooks, string acceptScript, string stageScript, string main = "")
    {
        var dir = Path.Combine(Path.GetTempPath(), $"exim-loadgen-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "exim.toml");
        File.WriteAllText(config, $"""
            spool_directory = "spool"
            primary_hostname = "bench.example"
            local_interfaces = ["127.0.0.1"]
            daemon_smtp_ports = [0]
            local_domains = ["bench.example"]
            smtp_accept_max = 0
            smtp_accept_queue_per_connection = 0
            smtp_connect_backlog = 4096
            {main}
            [plugins.daemon]
            assembly = "{DaemonPlugin(exim, root)}"
            """ + hooks);
        File.WriteAllText(Path.Combine(dir, "accept.csx"), acceptScript);
        File.WriteAllText(Path.Combine(dir, "stage.csx"), stageScript);
        if (hooks.Length > 0)
        {
            // A daemon restarts with its scripts in the compiled-script cache, so the compiler (and its heap) never loads
            // in it: -bV fills the cache first, as an operator's check before starting does.
            var check = Exim(exim, dir, "-C", config, "-bV");
            (check.RedirectStandardOutput, check.RedirectStandardError) = (true, true);
            using var bv = Process.Start(check)!;
            var output = await bv.StandardOutput.ReadToEndAsync() + await bv.StandardError.ReadToEndAsync();
            await bv.WaitForExitAsync();
            if (bv.ExitCode != 0) throw new InvalidOperationException("exim -bV: " + output);
        }
        var psi = Exim(exim, dir, "-C", config, "-bd");
        psi.RedirectStandardError = true;
        var daemon = Process.Start(psi)!;
        var mainlog = Path.Combine(dir, "spool/log/mainlog");
        var port = 0;
        for (var i = 0; i < 300 && port == 0; i++)
        {
            await Task.Delay(100);
            if (File.Exists(mainlog) && Regex.Match(File.ReadAllText(mainlog), @"\[127\.0\.0\.1\]:(\d+)") is { Success: true } m) port = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        if (port == 0)
        {
            daemon.Kill();
            throw new InvalidOperationException("daemon did not start: " + daemon.StandardError.ReadToEnd());
        }
        return new Daemon(daemon, port, dir);
    }

    /// <summary><c>dotnet exim.dll args</c> for the checkout's build, or the executable itself for a staged one.</summary>
    private static ProcessStartInfo Exim(string exim, string dir, params string[] args)
    {
        var dll = exim.EndsWith(".dll", StringComparison.Ordinal);
        var psi = new ProcessStartInfo(dll ? "dotnet" : exim) { WorkingDirectory = dir, UseShellExecute = false };
        if (dll) psi.ArgumentList.Add(exim);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>The daemon plugin the build runs with: the staged one beside a packaged build, else the checkout's.</summary>
    private static string DaemonPlugin(string exim, string root)
    {
        var staged = Path.Combine(Path.GetDirectoryName(exim)!, "plugins/daemon/Exim.Plugins.Daemon.dll");
        return File.Exists(staged) ? staged : Path.Combine(root, "plugins/daemon/bin/Exim.Plugins.Daemon.dll");
    }

    public async Task StopAsync()
    {
        if (!Process.HasExited) Process.Kill();
        await Process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Process.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
