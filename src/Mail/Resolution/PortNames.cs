using System.Collections.Frozen;
using System.Globalization;

namespace Exim.Mail.Resolution;

/// <summary>
/// TCP port names, as getservbyname("tcp") resolves them: /etc/services, with the mail ports built in. For the
/// daemon's ports, and the smtp transport's <c>port</c> (checked when the configuration is loaded).
/// </summary>
internal static class PortNames
{
    private static readonly Lazy<FrozenDictionary<string, int>> Services = new(Load);

    public static bool TryResolve(string text, out int port)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port)) return port is >= 0 and <= 65535;
        return Services.Value.TryGetValue(text, out port);
    }

    private static FrozenDictionary<string, int> Load()
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal) { ["smtp"] = 25, ["submission"] = 587, ["submissions"] = 465, ["smtps"] = 465 };
        try
        {
            foreach (var line in File.ReadLines("/etc/services"))
            {
                var fields = line.Split('#')[0].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 2 || !fields[1].EndsWith("/tcp", StringComparison.Ordinal)) continue;
                if (!int.TryParse(fields[1].AsSpan(0, fields[1].Length - 4), NumberStyles.None, CultureInfo.InvariantCulture, out var port)) continue;
                foreach (var name in fields.Where((_, i) => i != 1)) map.TryAdd(name, port);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
