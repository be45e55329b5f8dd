using System.Collections.Immutable;
using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Tls.Dane;

/// <summary>What the transport does about DANE for one host, and Exim's text when it cannot deliver there.</summary>
/// <param name="Mode">Verify, encrypt only, nothing, defer or fail.</param>
/// <param name="Message">For Defer and Fail: the address's error text (Exim's, with ERRNO_DNSDEFER).</param>
/// <param name="Records">For Verify: the TLSA records to check the certificate against.</param>
/// <param name="Names">For Verify: the reference names for DANE-TA (the TLSA base domain, then the MX host name when it differs).</param>
internal sealed record DaneDecision(DaneMode Mode, string? Message, ImmutableArray<TlsaRecord> Records, ImmutableArray<string> Names)
{
    public static DaneDecision None { get; } = new(DaneMode.None, null, [], []);

    public static DaneDecision Defer(string message) => new(DaneMode.Defer, message, [], []);

    public static DaneDecision Fail(string message) => new(DaneMode.Fail, message, [], []);

    /// <summary>
    /// For <see cref="DaneMode.Verify"/>: checks what the server presented in the handshake, from SslStream's
    /// certificate validation callback (its <paramref name="certificate"/> and <paramref name="chain"/>; .NET puts the
    /// certificates the server sent after its own in the chain's extra store). The callback accepts the server when
    /// this says <see cref="DaneMatchStatus.Matched"/>, whatever PKIX thinks of it.
    /// </summary>
    public DaneMatch Check(X509Certificate? certificate, X509Chain? chain, DateTime now)
    {
        if (certificate is null) return new DaneMatch(DaneMatchStatus.Mismatch, Reason: "no certificate presented");
        using var loaded = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var leaf = certificate as X509Certificate2 ?? loaded!;
        var presented = new List<X509Certificate2> { leaf };
        if (chain is not null)
        {
            foreach (var sent in chain.ChainPolicy.ExtraStore)
            {
                if (!sent.RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) presented.Add(sent);
            }
        }
        return DaneMatcher.Match(Records, presented, Names, now);
    }
}
