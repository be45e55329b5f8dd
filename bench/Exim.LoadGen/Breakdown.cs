using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>
/// Where a process's PSS is, from /proc/pid/smaps: per file mapped (the runtime's .so files, CoreLib and the other assemblies,
/// ReadyToRun images), the executable memory the runtime maps twice for W^X (/memfd:doublemapper: JIT'd code, stubs, the
/// loader heaps' code), and the anonymous rest (the GC heap, the native heap, thread stacks), with the thread count.
/// </summary>
internal sealed partial record Breakdown(IReadOnlyList<(string Name, long Rss, long Pss)> Mappings, int Threads)
{
    public static readonly Breakdown Empty = new([], 0);

    public static Breakdown Of(int pid)
    {
        var totals = new Dictionary<string, (long Rss, long Pss)>(StringComparer.Ordinal);
        var name = "";
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (MappingLine().Match(line) is { Success: true } m)
                {
                    name = Label(m.Groups[1].Value.Trim());
                    continue;
                }
                var isRss = line.StartsWith("Rss:", StringComparison.Ordinal);
                if (!isRss && !line.StartsWith("Pss:", StringComparison.Ordinal)) continue;
                var kib = long.Parse(line.AsSpan(4).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                var (rss, pss) = totals.GetValueOrDefault(name);
                totals[name] = isRss ? (rss + kib, pss) : (rss, pss + kib);
            }
            var threads = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal));
            return new Breakdown(totals.Select(kv => (kv.Key, kv.Value.Rss, kv.Value.Pss)).OrderByDescending(t => t.Pss).ToList(),
                int.Parse(threads.AsSpan(8).Trim(), CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return Empty; // the daemon exited meanwhile
        }
    }

    /// <summary>The largest mappings by PSS (KiB), then the rest summed.</summary>
    public static string Describe(Breakdown b, int top = 14)
    {
        var text = new StringBuilder($"  where the PSS was at its peak ({b.Threads} threads; KiB):\n");
        foreach (var (name, rss, pss) in b.Mappings.Take(top)) text.Append(CultureInfo.InvariantCulture, $"    {name,-58} RSS {rss,7} PSS {pss,7}\n");
        var rest = b.Mappings.Skip(top).ToList();
        text.Append(CultureInfo.InvariantCulture, $"    {$"{rest.Count} other mappings",-58} RSS {rest.Sum(t => t.Rss),7} PSS {rest.Sum(t => t.Pss),7}\n");
        text.Append(CultureInfo.InvariantCulture, $"    {"total",-58} RSS {b.Mappings.Sum(t => t.Rss),7} PSS {b.Mappings.Sum(t => t.Pss),7}");
        return text.ToString();
    }

    private static string Label(string path) => path switch
    {
        "" => "anonymous (GC heap, native allocations, thread stacks)",
        "[heap]" => "[heap] (malloc)",
        _ when path.StartsWith("/memfd:doublemapper", StringComparison.Ordinal) => "executable memory (JIT'd code, stubs; W^X doublemapper)",
        _ when path.StartsWith('/') => Path.GetFileName(path),
        _ => path,
    };

    [GeneratedRegex(@"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$")]
    private static partial Regex MappingLine();
}
