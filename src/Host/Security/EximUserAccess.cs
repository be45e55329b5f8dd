using Exim.Abstractions.Config;

namespace Exim.Host.Security;

/// <summary>
/// After the daemon has become the Exim user: the files it must go on reading for reloads (the configuration, the host's
/// own assemblies, plugins, scripts, TLS certificates and keys, list files) are readable by it. Checked once at
/// start-up so that an unreadable file stops the start with its name rather than failing the first reload.
/// </summary>
internal static class EximUserAccess
{
    /// <returns>One message per file that cannot be read; empty when all can.</returns>
    public static List<string> Unreadable(EximConfig config, EximIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(identity);
        var directory = config.ConfigDirectory;
        var files = new List<string> { config.SourcePath, typeof(EximUserAccess).Assembly.Location };
        files.AddRange(config.Plugins.Select(p => p.AssemblyPath));
        foreach (var script in new[] { config.Hooks.Accept, config.Hooks.Helo, config.Hooks.Mail, config.Hooks.Rcpt, config.Hooks.Predata, config.Hooks.Data, config.Hooks.ChildExit })
        {
            if (!string.IsNullOrEmpty(script)) files.Add(script);
        }
        files.AddRange(config.Main.TlsCertificate);
        files.AddRange(config.Main.TlsPrivatekey);
        files.AddRange(config.ListFiles.Keys);
        var problems = new List<string>();
        foreach (var file in files.Select(f => Path.GetFullPath(f, directory)).Distinct(StringComparer.Ordinal))
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            }
            catch (UnauthorizedAccessException e) // a missing file is the generation build's to report
            {
                problems.Add($"exim: {file} is not readable by exim_user {identity}, which the daemon now runs as and reloads with: {e.Message}");
            }
        }
        return problems;
    }
}
