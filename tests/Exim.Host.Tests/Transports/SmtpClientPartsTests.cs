using System.Net;
using System.Security.Authentication;
using Exim.Mail.Resolution;
using Exim.Mail.Tls;
using Exim.Mail.Transports.Smtp.Auth;
using Exim.Mail.Transports.Smtp.Tls;
using Exim.TestKit;

namespace Exim.Host.Tests.Transports;

/// <summary>The smtp transport's small parts: the credentials file, Exim's (OpenSSL's) cipher names, the PEM file cache.</summary>
public sealed class SmtpClientPartsTests
{
    private static readonly HostItem Mx = new("mx.example", IPAddress.Parse("192.0.2.25"), 10);

    [Fact]
    public void CredentialsFile_FirstMatchingLineByNameAddressOrStar_CommentsSkipped()
    {
        string[] lines =
        [
            "# host user password",
            "",
            "other.example nobody nothing",
            "   MX.example   alice   pass word with spaces  ",
            "* fallback fallbackpass",
        ];

        Assert.Equal(new AuthCredentials("alice", "pass word with spaces"), AuthCredentials.FromFile(lines, Mx));
        Assert.Equal(new AuthCredentials("bob", "b"), AuthCredentials.FromFile(["192.0.2.25 bob b", "* x y"], Mx));
        Assert.Equal(new AuthCredentials("fallback", "fallbackpass"), AuthCredentials.FromFile(["#mx.example no no", "* fallback fallbackpass"], Mx));
        Assert.Null(AuthCredentials.FromFile(["other.example a b", "mx.example onlytwo"], Mx));
    }

    [Theory]
    [InlineData("TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384")]
    [InlineData("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "ECDHE-ECDSA-AES256-GCM-SHA384")]
    [InlineData("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "ECDHE-RSA-CHACHA20-POLY1305")]
    [InlineData("TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", "DHE-RSA-AES128-SHA256")]
    [InlineData("TLS_RSA_WITH_AES_128_CBC_SHA", "AES128-SHA")]
    [InlineData("TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384")]
    public void CipherNames_AreOpenSsls(string iana, string openSsl)
        => Assert.Equal(openSsl, TlsSessions.OpenSslName(iana));

    [Theory]
    [InlineData("TLS_AES_256_GCM_SHA384", 256)]
    [InlineData("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 256)]
    [InlineData("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", 128)]
    [InlineData("TLS_RSA_WITH_3DES_EDE_CBC_SHA", 168)]
    public void CipherBits_AreOpenSslsAlgorithmBits(string iana, int bits)
        => Assert.Equal(bits, TlsSessions.Bits(iana));

    [Theory]
    [InlineData("", SslProtocols.Tls12 | SslProtocols.Tls13)]
    [InlineData("ECDHE-ECDSA-AES128-GCM-SHA256", SslProtocols.Tls12)]
    [InlineData("TLS_AES_256_GCM_SHA384", SslProtocols.Tls13)]
    [InlineData("TLS_AES_256_GCM_SHA384:ECDHE-RSA-AES256-GCM-SHA384", SslProtocols.Tls12 | SslProtocols.Tls13)]
    public void CipherList_LimitsTheProtocols_ToThoseItHasSuitesFor(string list, SslProtocols expected)
    {
        Assert.True(TlsCipherSuites.TryParse(list, out var suites, out var error), error);
        Assert.Equal(expected, TlsCipherSuites.Protocols(suites, SslProtocols.Tls12 | SslProtocols.Tls13));
    }

    [Fact]
    public void TrustAnchors_FileReplacedInPlace_NewCertificatesReadWithoutARestart()
    {
        using var directory = new TempDirectory("exim-anchors");
        using var first = TestCertificates.Create(directory.Combine("first"), "First CA");
        using var second = TestCertificates.Create(directory.Combine("second"), "Second CA");
        var path = directory.Combine("anchors.pem");
        File.Copy(first.CaPath, path);

        Assert.Equal(first.Ca.Thumbprint, Assert.Single(PemFiles.Anchors(path)).Thumbprint);
        Assert.Same(PemFiles.Anchors(path), PemFiles.Anchors(path)); // read once while unchanged

        File.WriteAllText(path, File.ReadAllText(second.CaPath) + File.ReadAllText(first.CaPath));
        Assert.Equal([second.Ca.Thumbprint, first.Ca.Thumbprint], PemFiles.Anchors(path).Select(c => c.Thumbprint));
    }

    [Fact]
    public void TrustAnchors_MissingFile_NamesTheOption()
    {
        var e = Assert.Throws<TlsSetupException>(() => PemFiles.Anchors("/nonexistent/ca.pem"));
        Assert.Equal("(tls_verify_certificates): /nonexistent/ca.pem: No such file or directory", e.Message);
    }

    [Fact]
    public void TrustAnchors_FileWithoutCertificates_TheServersWords_OneLoaderForBoth()
    {
        using var dir = new TempDirectory("exim-anchors-empty");
        var path = dir.Write("ca.pem", "not a certificate\n");

        var e = Assert.Throws<TlsSetupException>(() => PemFiles.Anchors(path));

        Assert.False(CaFiles.TryLoad(path, out _, out var serverError));
        Assert.Equal($"no PEM certificate in {path}", serverError);
        Assert.Equal($"(tls_verify_certificates): {serverError}", e.Message);
    }
}
