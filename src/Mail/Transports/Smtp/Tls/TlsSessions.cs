using System.Net.Security;
using System.Security.Authentication;
using Exim.Abstractions.Scripting;

namespace Exim.Mail.Transports.Smtp.Tls;

/// <summary>What an <see cref="SslStream"/> negotiated, in Exim's terms (<c>X=TLS1.3:TLS_AES_256_GCM_SHA384:256</c>).</summary>
internal static class TlsSessions
{
    public static TlsSessionInfo Describe(SslStream ssl)
    {
        var cipher = ssl.NegotiatedCipherSuite.ToString();
        return new TlsSessionInfo(ProtocolName(ssl.SslProtocol), cipher, Bits(cipher));
    }

    /// <summary>Exim's (OpenSSL's) version names, without the "v": <c>TLS1.2</c>, <c>TLS1.3</c> (the only ones we enable).</summary>
    public static string ProtocolName(SslProtocols protocol) => protocol switch
    {
        SslProtocols.Tls13 => "TLS1.3",
        SslProtocols.Tls12 => "TLS1.2",
        _ => protocol.ToString(),
    };

    /// <summary>The symmetric cipher's key length, as OpenSSL's SSL_CIPHER_get_bits reports it.</summary>
    public static int Bits(string cipherSuite) => cipherSuite switch
    {
        _ when cipherSuite.Contains("AES_256", StringComparison.Ordinal) || cipherSuite.Contains("CHACHA20", StringComparison.Ordinal)
            || cipherSuite.Contains("CAMELLIA_256", StringComparison.Ordinal) || cipherSuite.Contains("ARIA_256", StringComparison.Ordinal) => 256,
        _ when cipherSuite.Contains("3DES", StringComparison.Ordinal) => 112,
        _ when cipherSuite.Contains("_128", StringComparison.Ordinal) => 128,
        _ => 0,
    };
}
