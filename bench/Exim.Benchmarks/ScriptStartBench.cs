using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Exim.TestKit;

namespace Exim.Benchmarks;

/// <summary>
/// Start-up cost of hook scripts, with real <c>exim -bV</c> processes: no hooks; two scripts compiled (an empty cache,
/// so Roslyn loads and compiles); the same two scripts from the on-disk cache (the compiler never loads). Prints
/// the process wall times (median of N) and the per-script load times the main log reports.
/// </summary>
internal static partial class ScriptStartBench
{
    public static async Task<int> RunAsync(int runs)
    {
        using var dir = new TempDirectory("exim-script-start");
        File.Copy(Path.Combine(RepoPaths.Root, "scripts", "accept.csx"), dir.Write("scripts/accept.csx", ""), overwrite: true);
        File.Copy(Path.Combine(RepoPaths.Root, "scripts", "child-exit.csx"), dir.Write("scripts/child-exit.csx", ""), overwrite: true);
        var plain = dir.Write("plain.toml", "spool_directory = \"spool\"\n");
        var hooked = dir.Write("hooked.toml", "spool_directory = \"spool\"\n[hooks]\naccept = \"scripts/accept.csx\"\nchild_exit = \"scripts/child-exit.csx\"\n");
        var cache = dir.Combine("spool", "db", "scripts");
        var mainlog = dir.Combine("spool", "log", "mainlog");

        var none = await TimeAsync(plain, runs, null, dir.Path);
        var cold = await TimeAsync(hooked, runs, () => { if (Directory.Exists(cache)) Directory.Delete(cache, true); }, dir.Path);
        var coldLog = LoadTimes(mainlog, "compiled");
        File.Delete(mainlog);
        var warm = await TimeAsync(hooked, runs, null, dir.Path);
        var warmLog = LoadTimes(mainlog, "loaded from cache");

        Console.WriteLine($"exim -bV wall time, median of {runs}:");
        Console.WriteLine($"  no hooks                      {none,8:F0} ms");
        Console.WriteLine($"  2 scripts, compiled (cold)    {cold,8:F0} ms   per script as logged: {coldLog}");
        Console.WriteLine($"  2 scripts, from cache (warm)  {warm,8:F0} ms   per script as logged: {warmLog}");
        return 0;
    }

    private static async Task<double> TimeAsync(string config, int runs, Action? before, string workingDirectory)
    {
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            before?.Invoke();
            var watch = Stopwatch.StartNew();
            var (code, _, stderr) = await EximProcess.RunAsync(workingDirectory, "-C", config, "-bV");
            if (code != 0) throw new InvalidOperationException(stderr);
            times.Add(watch.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }

    private static string LoadTimes(string mainlog, string how)
    {
        var values = LoadTime().Matches(File.ReadAllText(mainlog))
            .Where(m => m.Groups[1].Value == how)
            .Select(m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
            .Order().ToList();
        return values.Count == 0 ? "-" : $"median {values[values.Count / 2]:F0} ms over {values.Count}";
    }

    [GeneratedRegex(@"hook \w+: \S+ (compiled|loaded from cache) in (\d+) ms")]
    private static partial Regex LoadTime();
}
