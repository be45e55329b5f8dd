using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exim.Mail.Tls;

/// <summary>
/// The certificates <c>tls_verify_certificates</c> names, read the same way for the server's client-certificate check
/// and the smtp transport's server-certificate check: a PEM file, or every file of a directory (files that cannot be
/// read or hold no certificate are skipped, as OpenSSL's hash links and stray files are). A single file that cannot be
/// read, or nothing found at all, is an error in Exim's words.
/// </summary>
internal static class CaFiles
{
    public static bool TryLoad(string path, [NotNullWhen(true)] out X509Certificate2Collection? cas, [NotNullWhen(false)] out string? error)
    {
        cas = null;
        error = null;
        var all = new X509Certificate2Collection();
        var directory = Directory.Exists(path);
        var files = directory ? Directory.GetFiles(path).Order(StringComparer.Ordinal).ToArray() : [path];
        foreach (var file in files)
        {
            try
            {
                all.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                if (directory) continue;
                error = $"cannot read {path}: {e.Message}";
                return false;
            }
        }
        if (all.Count == 0)
        {
            error = $"no PEM certificate in {path}";
            return false;
        }
        cas = all;
        return true;
    }
}
