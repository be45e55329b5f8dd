using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// Start-up time, exec to the first 220 banner, measured the same way for Postfix's smtp-sink and for our daemon: start
/// the program, try to connect every 2 ms (for at most 30 s), read the banner, then kill it and wait for it to go.
/// </summary>
internal static class Startup
{
    public static async Task RunAsync(string root, int runs)
    {
        var sink = (await Exim.LoadGen.Peers.PostfixTree.EnsureAsync(root)).SmtpSinkWrapper();
        var subjects = new List<(string Name, Func<int, ProcessStartInfo> Start)>
        {
            ("postfix smtp-sink", port => Psi(sink, "-u", "nobody", $"127.0.0.1:{port}", "100")),
            ("exim -bdf (framework-dependent)", port => Psi(Path.Combine(root, "src/Host/bin/Release/net10.0/exim"), "-bdf", "-oX", $"127.0.0.1.{port}", "-C", Path.Combine(root, "exim.toml"))),
        };
        var packaged = Path.Combine(root, ".build/deb/stage-amd64/usr/lib/exim/exim");
        if (File.Exists(packaged))
        {
            subjects.Add(("exim -bdf (self-contained ReadyToRun)", port => Psi(packaged, "-bdf", "-oX", $"127.0.0.1.{port}", "-C", Path.Combine(root, "exim.toml"))));
        }
        // Other builds to compare (a publish made by hand, another ReadyToRun setting): EXIM_STARTUP_BUILDS=/path/exim:/other/exim.
        foreach (var extra in (Environment.GetEnvironmentVariable("EXIM_STARTUP_BUILDS") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            subjects.Add(($"exim -bdf ({extra})", port => Psi(extra, "-bdf", "-oX", $"127.0.0.1.{port}", "-C", Path.Combine(root, "exim.toml"))));
        }
        Console.WriteLine($"{runs} runs each (after one warm-up run), {Environment.ProcessorCount} cores; exec to the first 220 banner on 127.0.0.1");
        double? reference = null;
        foreach (var (name, start) in subjects)
        {
            var times = new List<double>();
            for (var run = 0; run <= runs; run++)
            {
                var ms = await OnceAsync(start, root);
                if (run > 0) times.Add(ms); // the first run warms the page cache (and the compiled-script cache)
            }
            times.Sort();
            var median = times[times.Count / 2];
            reference ??= median;
            Console.WriteLine($"  {name,-40} median {median,7:N1} ms  min {times[0],7:N1} ms  x{median / reference.Value,6:N1} smtp-sink");
        }
    }

    private static ProcessStartInfo Psi(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static async Task<double> OnceAsync(Func<int, ProcessStartInfo> start, string root)
    {
        var port = FreePort();
        var psi = start(port);
        psi.WorkingDirectory = root;
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {psi.FileName}");
        try
        {
            var buffer = new byte[512];
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TimeSpan.FromSeconds(5));
                    var n = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(5));
                    if (n >= 3 && buffer[0] == '2' && buffer[1] == '2' && buffer[2] == '0') return clock.Elapsed.TotalMilliseconds;
                }
                catch (Exception e) when (e is SocketException or TimeoutException)
                {
                    if (process.HasExited) throw new InvalidOperationException($"{psi.FileName} exited with {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
                    await Task.Delay(2);
                }
            }
            throw new TimeoutException($"{psi.FileName}: no banner within 30 s");
        }
        finally
        {
            if (!process.HasExited) process.Kill();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
