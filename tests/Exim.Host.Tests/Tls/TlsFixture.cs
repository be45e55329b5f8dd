using Exim.Abstractions.Config;
using Exim.Mail.Smtp.Tls;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>A throwaway CA and certificates in a temp directory, and the server credentials made from them.</summary>
internal sealed class TlsFixture : IDisposable
{
    private readonly TempDirectory _directory = new("exim-tls");

    public TlsFixture()
    {
        Certificates = TestCertificates.Create(_directory.Combine("certs"));
        Server = Certificates.Issue("server", ["mx.test.example"]);
    }

    public TestCertificates Certificates { get; }
    public TestCertificate Server { get; }
    public string Directory => _directory.Path;

    /// <summary><paramref name="main"/> with the server certificate configured.</summary>
    public MainOptions With(MainOptions main) => main with { TlsCertificate = [Server.CertificatePath], TlsPrivatekey = [Server.KeyPath] };

    /// <summary>Loads the credentials <paramref name="main"/> names, failing the test on any error.</summary>
    public static TlsServerCredentials Load(MainOptions main)
        => TlsServerCredentials.Load(main, DateTimeOffset.UtcNow, (key, message) => throw new InvalidOperationException($"{key}: {message}"))
           ?? throw new InvalidOperationException("no certificate configured");

    public void Dispose()
    {
        Certificates.Dispose();
        _directory.Dispose();
    }
}
