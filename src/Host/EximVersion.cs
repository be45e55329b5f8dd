using System.Globalization;
using System.Reflection;

namespace Exim.Host;

/// <summary>The version we report: the Exim behaviour level we implement, and our own build.</summary>
internal static class EximVersion
{
    /// <summary>Exim's version number as it appears in log lines (<c>exim 4.96 daemon started</c>).</summary>
    public const string Number = "4.96";

    public static string Build { get; } =
        typeof(EximVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Exim's <c>-bV</c> first line: <c>Exim version 4.96 #1 built 24-Nov-2026 12:00:00</c>.</summary>
    public static string Banner
    {
        get
        {
            var built = File.GetLastWriteTime(typeof(EximVersion).Assembly.Location);
            return $"Exim version {Number} #1 built {built.ToString("dd-MMM-yyyy HH:mm:ss", CultureInfo.InvariantCulture)}";
        }
    }
}
