using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Resolution;
using Exim.Mail.Tls.Dane;
using Exim.TestKit;

namespace Exim.Host.Tests.Tls;

/// <summary>
/// The DANE matcher (RFC 7672, RFC 7671) on certificates made by the test: a CA, an intermediate under it, servers
/// issued by each, an expired one, and a second CA that has nothing to do with the TLSA records.
/// </summary>
public sealed class DaneMatcherTests : IDisposable
{
    private const byte PkixTa = 0, PkixEe = 1, DaneTa = 2, DaneEe = 3;
    private static readonly string[] Names = ["mx.dane.test"];

    private readonly TempDirectory _dir = new("exim-dane-certs");
    private readonly TestCertificates _ca;
    private readonly TestCertificates _intermediate;
    private readonly TestCertificates _other;
    private readonly X509Certificate2 _server;
    private readonly X509Certificate2 _expired;
    private readonly X509Certificate2 _viaIntermediate;
    private readonly X509Certificate2 _wildcard;
    private readonly X509Certificate2 _stranger;

    public DaneMatcherTests()
    {
        _ca = TestCertificates.Create(_dir.Path, "Dane Test CA");
        _intermediate = _ca.IssueIntermediate("Dane Test Intermediate");
        _other = TestCertificates.Create(_dir.Combine("other"), "Unrelated CA");
        _server = _ca.Issue("server", ["mx.dane.test"]).Certificate;
        _expired = _ca.Issue("expired", ["elsewhere.test"], DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddYears(-1)).Certificate;
        _viaIntermediate = _intermediate.Issue("via-intermediate", ["mx.dane.test"]).Certificate;
        _wildcard = _ca.Issue("wildcard", ["*.dane.test"]).Certificate;
        _stranger = _other.Issue("stranger", ["mx.dane.test"]).Certificate;
    }

    public void Dispose()
    {
        _intermediate.Dispose();
        _ca.Dispose();
        _other.Dispose();
        _dir.Dispose();
    }

    private static DaneMatch Match(IEnumerable<TlsaRecord> records, X509Certificate2[] chain, string[]? names = null)
        => DaneMatcher.Match([.. records], chain, names ?? Names, DateTime.UtcNow);

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    public void DaneEe_EverySelectorAndMatchingType_MatchesTheServerCertificate(byte selector, byte matching)
    {
        var record = Tlsa.For(_server, DaneEe, selector, matching);

        var match = Match([record], [_server, _ca.Ca]);

        Assert.Equal((DaneMatchStatus.Matched, record, 0), (match.Status, match.Record, match.Depth));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    public void DaneEe_AnotherCertificate_IsAMismatch(byte selector, byte matching)
    {
        var match = Match([Tlsa.For(_server, DaneEe, selector, matching)], [_stranger, _other.Ca]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
        Assert.Null(match.Record);
    }

    [Fact]
    public void DaneEe_ExpiredCertificateForAnotherName_StillMatches()
    {
        // RFC 7672 §3.1.1: with DANE-EE the key is what counts; names and dates are not checked.
        var match = Match([Tlsa.For(_expired, DaneEe)], [_expired]);

        Assert.Equal(DaneMatchStatus.Matched, match.Status);
    }

    [Fact]
    public void DaneEe_RecordForTheCa_DoesNotMatchTheServer()
    {
        var match = Match([Tlsa.For(_ca.Ca, DaneEe)], [_server, _ca.Ca]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    public void DaneTa_TheCaInThePresentedChain_MatchesWhenTheChainVerifiesAndTheNameMatches(byte selector, byte matching)
    {
        var record = Tlsa.For(_ca.Ca, DaneTa, selector, matching);

        var match = Match([record], [_server, _ca.Ca]);

        Assert.Equal((DaneMatchStatus.Matched, record, 1), (match.Status, match.Record, match.Depth));
    }

    [Fact]
    public void DaneTa_AnIntermediateAsTrustAnchor_Matches_AndSoDoesTheRootAboveIt()
    {
        var chain = new[] { _viaIntermediate, _intermediate.Ca, _ca.Ca };

        var byIntermediate = Match([Tlsa.For(_intermediate.Ca, DaneTa)], chain);
        var byRoot = Match([Tlsa.For(_ca.Ca, DaneTa)], chain);

        Assert.Equal((DaneMatchStatus.Matched, 1), (byIntermediate.Status, byIntermediate.Depth));
        Assert.Equal((DaneMatchStatus.Matched, 2), (byRoot.Status, byRoot.Depth));
    }

    [Fact]
    public void DaneTa_ChainSentOutOfOrder_StillVerifies()
    {
        var chain = new[] { _viaIntermediate, _ca.Ca, _intermediate.Ca };

        Assert.Equal(DaneMatchStatus.Matched, Match([Tlsa.For(_intermediate.Ca, DaneTa)], chain).Status);
        Assert.Equal(DaneMatchStatus.Matched, Match([Tlsa.For(_ca.Ca, DaneTa)], chain).Status);
    }

    [Fact]
    public void DaneTa_AnIntermediateAsTrustAnchor_StillChecksSignaturesAndDates()
    {
        // An impostor intermediate: the same name as the real one, another key, under another CA.
        using var impostor = _other.IssueIntermediate("Dane Test Intermediate");
        var forged = impostor.Issue("forged", ["mx.dane.test"]).Certificate;
        var expired = _intermediate.Issue("expired-via-intermediate", ["mx.dane.test"], DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddYears(-1)).Certificate;
        var records = new[] { Tlsa.For(_intermediate.Ca, DaneTa) };

        Assert.Equal(DaneMatchStatus.Mismatch, Match(records, [forged, _intermediate.Ca, _ca.Ca]).Status);
        Assert.Equal(DaneMatchStatus.Mismatch, Match(records, [expired, _intermediate.Ca, _ca.Ca]).Status);
        Assert.Equal(DaneMatchStatus.Mismatch, Match(records, [_viaIntermediate, _intermediate.Ca, _ca.Ca], ["other.dane.test"]).Status);
    }

    [Fact]
    public void DaneTa_ALeafNamingTheRealIssuerAndItsKeyId_ButSignedByAnotherKey_IsAMismatch()
    {
        // Issuer name and authority key identifier are the real intermediate's, so the chain builder takes the real
        // intermediate as its issuer: only the signature check can refuse it (the impostor above differs in key id).
        using var forged = ForgedUnder(_intermediate.Ca, "mx.dane.test");

        var byIntermediate = Match([Tlsa.For(_intermediate.Ca, DaneTa)], [forged, _intermediate.Ca, _ca.Ca]);
        var byRoot = Match([Tlsa.For(_ca.Ca, DaneTa)], [forged, _intermediate.Ca, _ca.Ca]);

        Assert.Equal(DaneMatchStatus.Mismatch, byIntermediate.Status);
        Assert.Contains("does not verify", byIntermediate.Reason, StringComparison.Ordinal);
        Assert.Equal(DaneMatchStatus.Mismatch, byRoot.Status);
        Assert.Contains("does not verify", byRoot.Reason, StringComparison.Ordinal);
    }

    /// <summary>A server certificate that names <paramref name="issuer"/> as its issuer, with its key identifier, signed by a key that is not its.</summary>
    private static X509Certificate2 ForgedUnder(X509Certificate2 issuer, string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var forger = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        using var made = request.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(forger),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), [0x7F, 0x01, 0x02, 0x03]);
        return X509CertificateLoader.LoadCertificate(made.RawData);
    }

    [Fact]
    public void DaneTa_TheServerCertificateDoesNotCarryTheName_IsAMismatch()
    {
        var match = Match([Tlsa.For(_ca.Ca, DaneTa)], [_server, _ca.Ca], ["other.dane.test"]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
        Assert.Contains("names do not match other.dane.test", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_TheMxNameAsSecondReferenceName_Matches()
    {
        // RFC 7672 §3.2.2: the TLSA base domain (here a CNAME target) and the MX host name are both reference names.
        var match = Match([Tlsa.For(_ca.Ca, DaneTa)], [_server, _ca.Ca], ["cname-target.dane.test", "mx.dane.test"]);

        Assert.Equal(DaneMatchStatus.Matched, match.Status);
    }

    [Fact]
    public void DaneTa_AWildcardStandsForOneLeftmostLabelOnly()
    {
        var records = new[] { Tlsa.For(_ca.Ca, DaneTa) };

        Assert.Equal(DaneMatchStatus.Matched, Match(records, [_wildcard, _ca.Ca]).Status);
        Assert.Equal(DaneMatchStatus.Mismatch, Match(records, [_wildcard, _ca.Ca], ["a.mx.dane.test"]).Status);
    }

    [Fact]
    public void DaneTa_AnExpiredServerCertificate_IsAMismatch()
    {
        var match = Match([Tlsa.For(_ca.Ca, DaneTa)], [_expired, _ca.Ca], ["elsewhere.test"]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
        Assert.Contains("does not verify", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_TheTrustAnchorNotPresented_IsAMismatch()
    {
        var match = Match([Tlsa.For(_ca.Ca, DaneTa)], [_server]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
    }

    [Fact]
    public void DaneTa_ACertificateTheTrustAnchorDidNotSign_IsAMismatch()
    {
        // The server sends the right CA along, but its own certificate comes from another CA.
        var match = Match([Tlsa.For(_ca.Ca, DaneTa)], [_stranger, _ca.Ca]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
        Assert.Contains("does not verify", match.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DaneTa_RecordForTheServerItself_IsNoTrustAnchor()
    {
        var match = Match([Tlsa.For(_server, DaneTa)], [_server, _ca.Ca]);
        var sentTwice = Match([Tlsa.For(_server, DaneTa)], [_server, _server, _ca.Ca]);

        Assert.Equal(DaneMatchStatus.Mismatch, match.Status);
        Assert.Equal(DaneMatchStatus.Mismatch, sentTwice.Status);
    }

    [Fact]
    public void PkixUsages_UnknownParameters_AndDigestsOfTheWrongLength_AreUnusable()
    {
        var good = Tlsa.For(_server, DaneEe);
        TlsaRecord[] unusable =
        [
            Tlsa.For(_server, PkixEe),
            Tlsa.For(_ca.Ca, PkixTa),
            good with { Usage = 4 },
            good with { Selector = 2 },
            good with { MatchingType = 3 },
            good with { Data = good.Data[..31] },
            good with { MatchingType = 2 },
            good with { MatchingType = 0, Data = [] },
        ];

        var match = Match(unusable, [_server, _ca.Ca]);

        Assert.Equal(DaneMatchStatus.NoUsableRecords, match.Status);
        Assert.All(unusable, r => Assert.False(DaneMatcher.IsUsable(r)));
        Assert.True(DaneMatcher.IsUsable(good));
    }

    [Fact]
    public void UnusableRecordsBesideUsableOnes_AreIgnored()
    {
        var pkix = Tlsa.For(_server, PkixEe);

        Assert.Equal(DaneMatchStatus.Mismatch, Match([pkix, Tlsa.For(_stranger, DaneEe)], [_server, _ca.Ca]).Status);
        Assert.Equal(DaneMatchStatus.Matched, Match([pkix, Tlsa.For(_server, DaneEe, 0, 2)], [_server, _ca.Ca]).Status);
    }

    [Fact]
    public void NoCertificatePresented_IsAMismatch()
    {
        Assert.Equal(DaneMatchStatus.Mismatch, Match([Tlsa.For(_server, DaneEe)], []).Status);
    }

    [Fact]
    public async Task SpkiSha256_IsWhatOpensslComputes()
    {
        // The usual recipe for a "3 1 1" record (Exim's manual, section DANE), run on the server's certificate file.
        var pem = _dir.Write("spki.pem", _server.ExportCertificatePem());
        var output = await ServiceProcess.RunAsync("bash", "bash", _dir.Path, "-c",
            $"openssl x509 -in {pem} -pubkey -noout | openssl pkey -pubin -outform der | openssl sha256 -r");

        var record = new TlsaRecord("_25._tcp.mx.dane.test", TimeSpan.Zero, DaneEe, 1, 1, [.. Convert.FromHexString(output.Split(' ')[0])]);

        Assert.Equal(DaneMatchStatus.Matched, Match([record], [_server]).Status);
    }
}
