using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Net.Security;
using System.Security.Authentication;

namespace Exim.Mail.Tls;

/// <summary>
/// tls_require_ciphers: a colon-separated list (Exim's OpenSSL form; commas and spaces also separate) of IANA cipher
/// suite names, as .NET names them (<c>TLS_AES_256_GCM_SHA384</c>, <c>TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384</c>), or
/// the OpenSSL names of the suites still worth offering (<c>ECDHE-RSA-AES256-GCM-SHA384</c>). OpenSSL's cipher-string
/// keywords (<c>HIGH</c>, <c>!aNULL</c>, <c>@STRENGTH</c>) are not understood: an unknown name is a configuration error.
/// </summary>
internal static class TlsCipherSuites
{
    private static readonly FrozenDictionary<string, TlsCipherSuite> OpenSslNames = new Dictionary<string, TlsCipherSuite>(StringComparer.Ordinal)
    {
        ["ECDHE-ECDSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-ECDSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-ECDSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        ["ECDHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        ["ECDHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["DHE-RSA-AES128-GCM-SHA256"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_128_GCM_SHA256,
        ["DHE-RSA-AES256-GCM-SHA384"] = TlsCipherSuite.TLS_DHE_RSA_WITH_AES_256_GCM_SHA384,
        ["DHE-RSA-CHACHA20-POLY1305"] = TlsCipherSuite.TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ["ECDHE-ECDSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-ECDSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384,
        ["ECDHE-RSA-AES128-SHA256"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
        ["ECDHE-RSA-AES256-SHA384"] = TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/>; an empty list gives null suites (the system's defaults).</summary>
    public static bool TryParse(string text, out IReadOnlyList<TlsCipherSuite>? suites, [NotNullWhen(false)] out string? error)
    {
        suites = null;
        error = null;
        var names = text.Split([':', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (names.Length == 0) return true;
        var list = new List<TlsCipherSuite>(names.Length);
        foreach (var name in names)
        {
            if (OpenSslNames.TryGetValue(name, out var suite)
                || (name.StartsWith("TLS_", StringComparison.Ordinal) && Enum.TryParse(name, ignoreCase: false, out suite) && Enum.IsDefined(suite)))
            {
                if (!list.Contains(suite)) list.Add(suite);
                continue;
            }
            error = $"unknown cipher suite \"{name}\" (IANA names such as TLS_AES_256_GCM_SHA384 or TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, or OpenSSL names such as ECDHE-RSA-AES256-GCM-SHA384)";
            return false;
        }
        suites = list;
        return true;
    }

    /// <summary>
    /// The protocols a suite list can be used with: TLS 1.3 only when it names a TLS 1.3 suite (their names have no
    /// <c>_WITH_</c>), TLS 1.2 only when it names a TLS 1.2 one, so that a list of TLS 1.2 suites alone negotiates TLS 1.2
    /// instead of failing the handshake (OpenSSL refuses a protocol left with no suite). Null suites allow every protocol.
    /// </summary>
    public static SslProtocols Protocols(IReadOnlyList<TlsCipherSuite>? suites, SslProtocols allowed)
    {
        if (suites is null) return allowed;
        var tls13 = suites.Any(s => !s.ToString().Contains("_WITH_", StringComparison.Ordinal));
        var tls12 = suites.Any(s => s.ToString().Contains("_WITH_", StringComparison.Ordinal));
        var usable = allowed & ((tls13 ? SslProtocols.Tls13 : SslProtocols.None) | (tls12 ? SslProtocols.Tls12 : SslProtocols.None));
        return usable == SslProtocols.None ? allowed : usable;
    }
}
