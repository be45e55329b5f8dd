using System.Globalization;

namespace Exim.LoadGen;

/// <summary>What /proc says about a process: CPU seconds (utime+stime), PSS, and its descendants.</summary>
internal static class ProcStat
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>utime+stime in seconds of the processes (0 for one that has gone).</summary>
    public static double CpuSeconds(IEnumerable<int> pids)
    {
        double total = 0;
        foreach (var pid in pids)
        {
            if (Fields(pid) is { } f) total += (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        return total;
    }

    /// <summary>
    /// CPU seconds of a process tree: its live members' utime+stime plus what the root has reaped of children that have
    /// gone (cutime+cstime), so a Postfix smtpd that exits between two samples still counts.
    /// </summary>
    public static double TreeCpuSeconds(int root)
    {
        var reaped = Fields(root) is { } f
            ? (long.Parse(f[13], CultureInfo.InvariantCulture) + long.Parse(f[14], CultureInfo.InvariantCulture)) / TicksPerSecond
            : 0;
        return CpuSeconds(Descendants(root)) + reaped;
    }

    /// <summary>The proportional set size in KiB (/proc/pid/smaps_rollup), summed over the processes.</summary>
    public static long PssKiB(IEnumerable<int> pids)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            try
            {
                foreach (var line in File.ReadLines($"/proc/{pid}/smaps_rollup"))
                {
                    if (line.StartsWith("Pss:", StringComparison.Ordinal)) total += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
        }
        return total;
    }

    /// <summary>The process and all its descendants that are alive now.</summary>
    public static IReadOnlyList<int> Descendants(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && Fields(pid) is { } f)
            {
                parents[pid] = int.Parse(f[1], CultureInfo.InvariantCulture);
            }
        }
        var result = new List<int> { root };
        for (var i = 0; i < result.Count; i++)
        {
            foreach (var (pid, parent) in parents)
            {
                if (parent == result[i]) result.Add(pid);
            }
        }
        return result;
    }

    /// <summary>The fields of /proc/pid/stat after the command name (so [0] is the state, [1] the ppid, [11] utime, [12] stime, [13] cutime, [14] cstime).</summary>
    private static string[]? Fields(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[(text.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
