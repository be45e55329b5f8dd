using System.Security.Cryptography.X509Certificates;
using Exim.Mail.Transports.Smtp.Tls;
using Exim.TestKit;

namespace Exim.Host.Tests.Transports;

/// <summary>The smtp transport's check of a server certificate, called in-process with certificates the test makes.</summary>
public sealed class ServerCertificateVerifierTests : IDisposable
{
    private readonly TempDirectory _dir = new("exim-verifier");
    private readonly TestCertificates _ca;

    public ServerCertificateVerifierTests() => _ca = TestCertificates.Create(_dir.Combine("ca"));

    public void Dispose()
    {
        _ca.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData("-bad-.example")]
    [InlineData("a..b")]
    public void HostNameDotNetRejects_IsANameMismatch_NotAnException(string name)
    {
        var issued = _ca.Issue("server", ["mx.tls.test"]);
        var verifier = new ServerCertificateVerifier(new ServerCertificatePolicy(CertificateCheck.Optional, [_ca.Ca], name), TimeProvider.System);

        var goOn = verifier.Validate(issued.Certificate, null);

        Assert.True(goOn);
        Assert.False(verifier.Verified);
        Assert.Equal([$": certificate name mismatch: DN=\"/CN=mx.tls.test\" H=\"{name}\""], verifier.Errors);
    }

    [Fact]
    public void HostNameDotNetRejects_Required_RefusesTheHandshake()
    {
        var issued = _ca.Issue("server", ["mx.tls.test"]);
        var verifier = new ServerCertificateVerifier(new ServerCertificatePolicy(CertificateCheck.Required, [_ca.Ca], "-bad-.example"), TimeProvider.System);

        Assert.False(verifier.Validate(issued.Certificate, null));
        Assert.True(verifier.Rejected);
    }
}
