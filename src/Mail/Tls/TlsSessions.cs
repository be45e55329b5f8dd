using System.Net.Security;
using System.Security.Authentication;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Tls;

/// <summary>
/// What an <see cref="SslStream"/> negotiated, in Exim's terms (<c>X=TLS1.3:TLS_AES_256_GCM_SHA384:256</c>), for the
/// server's sessions (<c>&lt;=</c> lines, Received, hooks) and the smtp transport's (<c>=&gt;</c> lines) alike, so both
/// name a session the same way, as Exim built with OpenSSL does.
/// </summary>
internal static class TlsSessions
{
    public static TlsSessionInfo Describe(SslStream ssl)
    {
        var cipher = ssl.NegotiatedCipherSuite.ToString();
        return new TlsSessionInfo(ProtocolName(ssl.SslProtocol), OpenSslName(cipher), Bits(cipher)) { CipherStd = cipher };
    }

    /// <summary>
    /// The cipher suite as OpenSSL names it, which is what Exim logs: TLS 1.3 suites keep their IANA names
    /// (<c>TLS_AES_256_GCM_SHA384</c>); the usual TLS 1.2 ones become <c>ECDHE-ECDSA-AES256-GCM-SHA384</c>,
    /// <c>ECDHE-RSA-CHACHA20-POLY1305</c>, <c>DHE-RSA-AES128-SHA256</c>. Others keep the IANA name.
    /// </summary>
    public static string OpenSslName(string iana)
    {
        const string prefix = "TLS_";
        var with = iana.IndexOf("_WITH_", StringComparison.Ordinal);
        if (!iana.StartsWith(prefix, StringComparison.Ordinal) || with < 0) return iana;
        var exchange = iana[prefix.Length..with];                     // ECDHE_RSA, DHE_RSA, RSA
        var cipher = iana[(with + "_WITH_".Length)..];                 // AES_256_GCM_SHA384, AES_128_CBC_SHA, CHACHA20_POLY1305_SHA256
        if (exchange is not ("ECDHE_RSA" or "ECDHE_ECDSA" or "DHE_RSA" or "RSA")) return iana;
        string? bulk = cipher switch
        {
            "AES_128_GCM_SHA256" => "AES128-GCM-SHA256",
            "AES_256_GCM_SHA384" => "AES256-GCM-SHA384",
            "CHACHA20_POLY1305_SHA256" => "CHACHA20-POLY1305",
            "AES_128_CBC_SHA" => "AES128-SHA",
            "AES_256_CBC_SHA" => "AES256-SHA",
            "AES_128_CBC_SHA256" => "AES128-SHA256",
            "AES_256_CBC_SHA384" => "AES256-SHA384",
            "AES_256_CBC_SHA256" => "AES256-SHA256",
            _ => null,
        };
        if (bulk is null) return iana;
        return exchange == "RSA" ? bulk : exchange.Replace('_', '-') + "-" + bulk;
    }

    /// <summary>Exim's (OpenSSL's SSL_get_version) names, without the "v": <c>TLS1.2</c>, <c>TLS1.3</c> (the only ones we enable).</summary>
    public static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLS1.3",
        SslProtocols.Tls12 => "TLS1.2",
        _ => protocol.ToString(),
    };

    /// <summary>
    /// The symmetric cipher's key length, as Exim stores it from OpenSSL's SSL_CIPHER_get_bits (the algorithm's bits:
    /// 168 for 3DES), from the suite's IANA name.
    /// </summary>
    public static int Bits(string cipherSuite) => cipherSuite switch
    {
        _ when cipherSuite.Contains("AES_256", StringComparison.Ordinal) || cipherSuite.Contains("CHACHA20", StringComparison.Ordinal)
            || cipherSuite.Contains("CAMELLIA_256", StringComparison.Ordinal) || cipherSuite.Contains("ARIA_256", StringComparison.Ordinal) => 256,
        _ when cipherSuite.Contains("3DES", StringComparison.Ordinal) => 168,
        _ when cipherSuite.Contains("_128", StringComparison.Ordinal) => 128,
        _ => 0,
    };
}
