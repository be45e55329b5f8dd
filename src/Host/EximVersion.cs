using System.Globalization;
using System.Reflection;

namespace Exim.Host;

/// <summary>The version we report: the Exim behaviour level we implement, and our own build.</summary>
internal static class EximVersion
{
    /// <summary>Exim's version number as it appears in log lines (<c>exim 4.96 daemon started</c>).</summary>
    public const string Number = "4.96";

    /// <summary>
    /// The configuration file when no <c>-C</c> is given (Exim's compiled-in CONFIGURE_FILE): <c>exim.toml</c> in the
    /// current directory for a build from the checkout, <c>/etc/exim/exim.toml</c> for the Debian package's
    /// (deploy/build-deb.sh sets EximConfigureFile), so that <c>sendmail</c>, <c>mailq</c> and <c>exim -bp</c> started by
    /// anybody, anywhere, find the installed configuration.
    /// </summary>
    public static string ConfigureFile { get; } =
        typeof(EximVersion).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "ConfigureFile")?.Value is { Length: > 0 } file
            ? file
            : "exim.toml";

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
