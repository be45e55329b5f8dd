using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exim.Mail.Smtp.Tls;

/// <summary>
/// One tls_certificate / tls_privatekey pair, loaded and checked: the certificate (with the chain after it in the file)
/// ready for handshakes, the names it is valid for (for SNI), and a hash of both files' contents, so that a change on
/// disk can be told from a touch.
/// </summary>
internal sealed class TlsCertificatePair
{
    private TlsCertificatePair(string certificatePath, string keyPath, X509Certificate2 certificate, SslStreamCertificateContext context,
        IReadOnlyList<string> names, string contentHash)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        Certificate = certificate;
        Context = context;
        Names = names;
        ContentHash = contentHash;
    }

    public string CertificatePath { get; }
    public string KeyPath { get; }
    public X509Certificate2 Certificate { get; }
    public SslStreamCertificateContext Context { get; }

    /// <summary>The DNS names of the certificate's subject alternative names, and its CN.</summary>
    public IReadOnlyList<string> Names { get; }

    public string ContentHash { get; }

    /// <summary>
    /// Loads <paramref name="certificatePath"/> and <paramref name="keyPath"/> (the same file when the key is in the
    /// certificate's file), refusing an unreadable file, a file without a certificate or key, a key that is not the
    /// certificate's, and a certificate that has expired or is not valid yet, unless <paramref name="allowOutOfDate"/>:
    /// then it is loaded and <paramref name="warning"/> says why it should not be. Messages name the file and the reason.
    /// </summary>
    public static TlsCertificatePair? Load(string certificatePath, string keyPath, DateTimeOffset now, bool allowOutOfDate, out string? error,
        out string? warning)
    {
        error = null;
        warning = null;
        string certificateText, keyText;
        try
        {
            certificateText = File.ReadAllText(certificatePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"tls_certificate: cannot read {certificatePath}: {e.Message}";
            return null;
        }
        try
        {
            keyText = keyPath == certificatePath ? certificateText : File.ReadAllText(keyPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"tls_privatekey: cannot read {keyPath}: {e.Message}";
            return null;
        }

        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certificateText);
        }
        catch (CryptographicException e)
        {
            error = $"tls_certificate: {certificatePath} holds a malformed certificate: {e.Message}";
            return null;
        }
        if (chain.Count == 0)
        {
            error = $"tls_certificate: no PEM certificate in {certificatePath}";
            return null;
        }
        var leaf = chain[0];
        var outOfDate = leaf.NotAfter.ToUniversalTime() < now.UtcDateTime
            ? $"tls_certificate: the certificate in {certificatePath} expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC"
            : leaf.NotBefore.ToUniversalTime() > now.UtcDateTime
                ? $"tls_certificate: the certificate in {certificatePath} is not valid before {leaf.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC"
                : null;
        if (outOfDate is not null)
        {
            if (!allowOutOfDate)
            {
                error = outOfDate;
                return null;
            }
            warning = outOfDate;
        }

        AsymmetricAlgorithm key;
        try
        {
            key = ImportKey(leaf, keyText);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            error = $"tls_privatekey: no usable private key in {keyPath}: {e.Message}";
            return null;
        }
        X509Certificate2 withKey;
        try
        {
            withKey = key switch
            {
                ECDsa ec => leaf.CopyWithPrivateKey(ec),
                RSA rsa => leaf.CopyWithPrivateKey(rsa),
                _ => throw new ArgumentException("unsupported key"),
            };
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            error = $"tls_privatekey: the key in {keyPath} does not match the certificate in {certificatePath}";
            return null;
        }
        finally
        {
            key.Dispose();
        }

        var context = SslStreamCertificateContext.Create(withKey, chain.Count > 1 ? [.. chain.Skip(1)] : null, offline: true);
        return new TlsCertificatePair(certificatePath, keyPath, withKey, context, NamesOf(leaf), Hash(certificateText, keyText));
    }

    /// <summary>Whether the certificate is within its validity period at <paramref name="now"/>.</summary>
    public bool ValidAt(DateTimeOffset now) => Certificate.NotBefore.ToUniversalTime() <= now.UtcDateTime && now.UtcDateTime <= Certificate.NotAfter.ToUniversalTime();

    /// <summary>Whether the certificate is valid for <paramref name="serverName"/> (exactly, or through a <c>*.</c> name one label up).</summary>
    public bool Serves(string serverName)
    {
        foreach (var name in Names)
        {
            if (name.Equals(serverName, StringComparison.OrdinalIgnoreCase)) return true;
            if (name.StartsWith("*.", StringComparison.Ordinal))
            {
                var dot = serverName.IndexOf('.', StringComparison.Ordinal);
                if (dot > 0 && serverName.AsSpan(dot + 1).Equals(name.AsSpan(2), StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    /// <summary>The hash <see cref="ContentHash"/> would have for the files as they are now (empty when unreadable).</summary>
    public static string HashFiles(string certificatePath, string keyPath)
    {
        try
        {
            var certificate = File.ReadAllText(certificatePath);
            return Hash(certificate, keyPath == certificatePath ? certificate : File.ReadAllText(keyPath));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    private static string Hash(string certificate, string key)
        => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(certificate + "\0" + key)));

    private static AsymmetricAlgorithm ImportKey(X509Certificate2 leaf, string keyPem)
    {
        AsymmetricAlgorithm key = leaf.GetKeyAlgorithm() == "1.2.840.10045.2.1" ? ECDsa.Create() : RSA.Create();
        try
        {
            key.ImportFromPem(keyPem);
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    private static List<string> NamesOf(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san) names.AddRange(san.EnumerateDnsNames());
        }
        var cn = certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        if (cn.Length > 0 && !names.Contains(cn, StringComparer.OrdinalIgnoreCase)) names.Add(cn);
        return names;
    }
}
