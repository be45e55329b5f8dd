using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

/// <summary>
/// Start-up time, exec to the first 220 banner, measured the same way for Postfix's smtp-sink and for our daemon: start
/// the program, try to connect every 2 ms (for at most 30 s), read the banner, then kill it and wait for it to go. The
/// subjects take turns, round after round, so that load from elsewhere on the machine hits them all alike.
/// </summary>
internal static class Startup
{
    public static async Task RunAsync(string root, int runs)
    {
        var sink = (await Exim.LoadGen.Peers.PostfixTree.EnsureAsync(root)).SmtpSinkWrapper();
        var config = Path.Combine(root, "exim.toml");
        var subjects = new List<(string Name, Func<int, ProcessStartInfo> Start)>
        {
            ("postfix smtp-sink", port => Psi(sink, "-u", "nobody", $"127.0.0.1:{port}", "100")),
            ("exim -bdf (framework-dependent)", port => Psi(Path.Combine(root, "src/Host/bin/Release/net10.0/exim"), "-bdf", "-oX", $"127.0.0.1.{port}", "-C", config)),
        };
        var builds = new List<string>();
        var packaged = Path.Combine(root, ".build/deb/stage-amd64/usr/lib/exim/exim");
        if (File.Exists(packaged)) builds.Add(packaged);
        // Other builds to compare (a publish made by hand, another ReadyToRun setting): EXIM_STARTUP_BUILDS=/path/exim:/other/exim.
        builds.AddRange((Environment.GetEnvironmentVariable("EXIM_STARTUP_BUILDS") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        foreach (var build in builds)
        {
            // A packaged build (plugins/ beside it, as build-deb.sh stages it) runs the bundled configuration with its own
            // ReadyToRun plugins, as the package does; the checkout's plugins/*/bin are IL only.
            var staged = StagedConfig(root, build);
            subjects.Add(($"exim -bdf ({build}{(staged == config ? "" : ", its plugins")})", port => Psi(build, "-bdf", "-oX", $"127.0.0.1.{port}", "-C", staged)));
        }
        Console.WriteLine($"{runs} rounds (after one warm-up round), the subjects in turn in each round, {Environment.ProcessorCount} cores; exec to the first 220 banner on 127.0.0.1");
        var times = subjects.Select(_ => new List<double>()).ToList();
        for (var round = 0; round <= runs; round++)
        {
            for (var i = 0; i < subjects.Count; i++)
            {
                var ms = await OnceAsync(subjects[i].Start, root);
                if (round > 0) times[i].Add(ms); // the first round warms the page cache (and the compiled-script cache)
            }
        }
        double? reference = null;
        for (var i = 0; i < subjects.Count; i++)
        {
            var sorted = times[i].Order().ToList();
            var median = sorted[sorted.Count / 2];
            reference ??= median;
            Console.WriteLine($"  {subjects[i].Name,-40} median {median,7:N1} ms  min {sorted[0],7:N1} ms  x{median / reference.Value,6:N1} smtp-sink");
        }
    }

    /// <summary>
    /// For an executable staged as the package installs it (<c>.../usr/lib/exim/exim</c> with <c>plugins/</c> beside it):
    /// the bundled exim.toml with its plugin assemblies taken from there and its other relative paths made absolute
    /// (written under obj/, so the checkout's spool, scripts and maildir are still used). Otherwise the bundled file.
    /// </summary>
    private static string StagedConfig(string root, string executable)
    {
        var config = Path.Combine(root, "exim.toml");
        var plugins = Path.Combine(Path.GetDirectoryName(executable)!, "plugins");
        if (!Directory.Exists(plugins)) return config;
        var text = File.ReadAllText(config);
        text = System.Text.RegularExpressions.Regex.Replace(text, @"""plugins/([^/""]+)/bin/", m => $"\"{plugins}/{m.Groups[1].Value}/");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"= ""(spool|scripts/|maildir/)", m => $"= \"{root}/{m.Groups[1].Value}");
        var dir = Path.Combine(root, "bench", "Exim.LoadGen", "obj", "startup");
        Directory.CreateDirectory(dir);
        var staged = Path.Combine(dir, $"exim-{(uint)executable.GetHashCode():x8}.toml");
        File.WriteAllText(staged, text);
        return staged;
    }

    private static ProcessStartInfo Psi(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    private static async Task<double> OnceAsync(Func<int, ProcessStartInfo> start, string root)
    {
        var port = Exim.TestKit.LoopbackPorts.FreeTcpBelowEphemeral();
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
}
