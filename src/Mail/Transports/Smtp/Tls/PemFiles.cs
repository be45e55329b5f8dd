using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Net.Security;
using Exim.Mail.Tls;

namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>
/// The PEM files the smtp transport reads (trust anchors for <c>tls_verify_certificates</c>, the client certificate and
/// key), read once and again only when a file's modification time changes, so a renewed file is picked up by the next
/// connection without a restart. A file that cannot be read throws <see cref="TlsSetupException"/> with the reason.
/// </summary>
internal static class PemFiles
{
    private static readonly ConcurrentDictionary<string, (string Stamp, object Value)> Cache = new(StringComparer.Ordinal);

    /// <summary>The certificates of a PEM file, or of every file in a directory (<see cref="CaFiles"/>).</summary>
    public static X509Certificate2Collection Anchors(string path) => Cached("anchors\0" + path, Stamp(path, "tls_verify_certificates"),
        () => CaFiles.TryLoad(path, out var cas, out var error) ? cas : throw new TlsSetupException("tls_verify_certificates", error));

    /// <summary>A client certificate with its key (in <paramref name="keyPath"/>, or in the certificate's file) and the chain after it.</summary>
    public static SslStreamCertificateContext ClientCertificate(string certificatePath, string? keyPath) =>
        Cached("client\0" + certificatePath + "\0" + keyPath, Stamp(certificatePath, "tls_certificate") + (keyPath is null ? "" : Stamp(keyPath, "tls_privatekey")), () =>
        {
            try
            {
                using var ephemeral = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
                // Through PKCS#12 so the key is usable by the TLS library on every platform.
                var leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
                var chain = new X509Certificate2Collection();
                chain.ImportFromPemFile(certificatePath);
                var intermediates = new X509Certificate2Collection();
                foreach (var c in chain)
                {
                    if (c.Thumbprint != leaf.Thumbprint) intermediates.Add(c);
                }
                return SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                throw new TlsSetupException("tls_certificate", $"{certificatePath}: {e.Message}");
            }
        });

    private static T Cached<T>(string key, string stamp, Func<T> load) where T : class
    {
        if (Cache.TryGetValue(key, out var hit) && hit.Stamp == stamp) return (T)hit.Value;
        var value = load();
        Cache[key] = (stamp, value);
        return value;
    }

    private static string Stamp(string path, string option)
    {
        try
        {
            var info = Directory.Exists(path) ? (FileSystemInfo)new DirectoryInfo(path) : new FileInfo(path);
            if (!info.Exists) throw new TlsSetupException(option, $"{path}: No such file or directory");
            return info.LastWriteTimeUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + (info is FileInfo f ? f.Length : 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TlsSetupException(option, $"{path}: {e.Message}");
        }
    }
}
