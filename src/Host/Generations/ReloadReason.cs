namespace Exim.Host.Generations;

internal enum ReloadReason
{
    /// <summary>SIGHUP: re-read the configuration file and reload everything.</summary>
    Signal,

    /// <summary>A plugin assembly changed on disk: reload plugins under the configuration in force.</summary>
    PluginFileChanged,

    /// <summary>A TLS certificate or key file changed on disk: rebuild under the configuration in force, reading them afresh.</summary>
    TlsFileChanged,
}
