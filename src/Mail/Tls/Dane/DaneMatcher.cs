using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exim.Abstractions.Resolution;

namespace Exim.Mail.Tls.Dane;

/// <summary>
/// Checks a server's certificate chain against its TLSA records as RFC 7672 (SMTP) and RFC 7671 (DANE operations)
/// say, and as Exim's OpenSSL build does:
/// <list type="bullet">
/// <item>Only DANE-TA(2) and DANE-EE(3) with selector 0 or 1 and matching type 0, 1 or 2 (with a digest of the right
/// length) are usable; PKIX-TA(0) and PKIX-EE(1) are not, for SMTP (RFC 7672 §3.1.3), and nor is anything unknown.</item>
/// <item>DANE-EE matches the server's own certificate (selector 0) or its public key (selector 1), and nothing else is
/// checked: not the names, not the dates (RFC 7672 §3.1.1).</item>
/// <item>DANE-TA matches a certificate the server presented after its own; the chain from the server's certificate must
/// verify to that trust anchor (signatures and validity periods, with the presented certificates as intermediates) and
/// the server's certificate must carry one of the reference names (RFC 7672 §3.2.2: the TLSA base domain, and the MX
/// host name when the MX lookup was secure), a wildcard standing for one whole leftmost label.</item>
/// </list>
/// Pure: no I/O, no clock (the verification time is an argument), and outcomes as values.
/// </summary>
internal static class DaneMatcher
{
    /// <summary>Whether a record can be used to authenticate an SMTP server (RFC 7672 §3.1, RFC 7671 §4).</summary>
    public static bool IsUsable(TlsaRecord record)
    {
        if (record.Usage is not ((byte)TlsaUsage.DaneTa or (byte)TlsaUsage.DaneEe)) return false;
        if (record.Selector is not ((byte)TlsaSelector.Certificate or (byte)TlsaSelector.PublicKey)) return false;
        return (TlsaMatchingType)record.MatchingType switch
        {
            TlsaMatchingType.Exact => record.Data.Length > 0,
            TlsaMatchingType.Sha256 => record.Data.Length == SHA256.HashSizeInBytes,
            TlsaMatchingType.Sha512 => record.Data.Length == SHA512.HashSizeInBytes,
            _ => false,
        };
    }

    /// <summary>Checks the presented chain against the records.</summary>
    /// <param name="records">The TLSA records of the host (usable or not).</param>
    /// <param name="chain">The certificates the server presented, its own first.</param>
    /// <param name="names">The reference names for DANE-TA: the TLSA base domain first.</param>
    /// <param name="now">The time the DANE-TA chain is verified at.</param>
    public static DaneMatch Match(ImmutableArray<TlsaRecord> records, IReadOnlyList<X509Certificate2> chain, IReadOnlyList<string> names, DateTime now)
    {
        var usable = records.Where(IsUsable).ToList();
        if (usable.Count == 0) return DaneMatch.NoUsableRecords;
        if (chain.Count == 0) return new DaneMatch(DaneMatchStatus.Mismatch, Reason: "no certificate presented");

        var leaf = chain[0];
        foreach (var record in usable)
        {
            if (record.Usage == (byte)TlsaUsage.DaneEe && Matches(record, leaf)) return new DaneMatch(DaneMatchStatus.Matched, record, 0);
        }

        string? reason = null;
        for (var depth = 1; depth < chain.Count; depth++)
        {
            // The server's own certificate sent again is no trust anchor for itself.
            if (chain[depth].RawDataMemory.Span.SequenceEqual(leaf.RawDataMemory.Span)) continue;
            foreach (var record in usable)
            {
                if (record.Usage != (byte)TlsaUsage.DaneTa || !Matches(record, chain[depth])) continue;
                if (VerifyTo(chain, depth, now) is { } chainError)
                {
                    reason ??= $"chain does not verify to the DANE-TA certificate at depth {depth}: {chainError}";
                    continue;
                }
                if (!NameMatches(leaf, names))
                {
                    reason ??= $"certificate names do not match {string.Join(" or ", names)}";
                    continue;
                }
                return new DaneMatch(DaneMatchStatus.Matched, record, depth);
            }
        }
        return new DaneMatch(DaneMatchStatus.Mismatch, Reason: reason ?? "no TLSA record matches the presented certificates");
    }

    /// <summary>Whether the record's data is the selected part of <paramref name="certificate"/>, as its matching type says.</summary>
    public static bool Matches(TlsaRecord record, X509Certificate2 certificate)
    {
        var selected = record.Selector == (byte)TlsaSelector.Certificate ? certificate.RawData : certificate.PublicKey.ExportSubjectPublicKeyInfo();
        ReadOnlySpan<byte> digest = (TlsaMatchingType)record.MatchingType switch
        {
            TlsaMatchingType.Sha256 => SHA256.HashData(selected),
            TlsaMatchingType.Sha512 => SHA512.HashData(selected),
            _ => selected,
        };
        return digest.SequenceEqual(record.Data.AsSpan());
    }

    /// <summary>
    /// Builds the chain from the server's certificate with the certificate at <paramref name="anchor"/> as the only
    /// trust anchor and the others the server sent as intermediates. Null when it verifies, else what went wrong.
    /// </summary>
    private static string? VerifyTo(IReadOnlyList<X509Certificate2> presented, int anchor, DateTime now)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(presented[anchor]);
        // The other presented certificates are intermediates, except the anchor's own issuers: a chain that went on
        // past the anchor would end at an untrusted root. Servers do not always send them in order.
        var above = IssuersOf(presented, anchor);
        for (var i = 1; i < presented.Count; i++)
        {
            if (i != anchor && !above.Contains(i)) policy.ExtraStore.Add(presented[i]);
        }
        policy.RevocationMode = X509RevocationMode.NoCheck; // the TLSA record's TTL bounds how long a trust anchor lasts
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = now;
        policy.VerificationTimeIgnored = false;
        var built = chain.Build(presented[0]);
        var elements = chain.ChainElements;
        var reachesAnchor = elements.Count > 0 && elements[^1].Certificate.RawDataMemory.Span.SequenceEqual(presented[anchor].RawDataMemory.Span);
        foreach (var element in elements) element.Certificate.Dispose(); // copies the chain made
        var problems = chain.ChainStatus.Select(s => s.Status).Where(s => s != X509ChainStatusFlags.NoError).Distinct().ToList();
        // A trust anchor that is not self-signed (an intermediate) is reported as a partial chain by .NET on Linux,
        // which does not set OpenSSL's X509_V_FLAG_PARTIAL_CHAIN: every signature and date on the way was still
        // checked, and any other problem is reported beside it.
        if (reachesAnchor && (built || problems is [X509ChainStatusFlags.PartialChain])) return null;
        return problems.Count > 0 ? string.Join(", ", problems) : "the chain ends elsewhere";
    }

    /// <summary>The positions of the certificates that issued the one at <paramref name="anchor"/>, its issuer's issuer and so on (by name).</summary>
    private static HashSet<int> IssuersOf(IReadOnlyList<X509Certificate2> presented, int anchor)
    {
        var above = new HashSet<int>();
        var current = presented[anchor];
        for (var step = 0; step < presented.Count; step++)
        {
            if (current.SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)) break; // self-issued: the top
            var next = -1;
            for (var i = 1; i < presented.Count; i++)
            {
                if (i != anchor && !above.Contains(i) && presented[i].SubjectName.RawData.AsSpan().SequenceEqual(current.IssuerName.RawData)) { next = i; break; }
            }
            if (next < 0) break;
            above.Add(next);
            current = presented[next];
        }
        return above;
    }

    /// <summary>RFC 7672 §3.2.3: a DNS subject alternative name (or, without any, the common name) equal to a reference name, or a wildcard for its first label.</summary>
    private static bool NameMatches(X509Certificate2 leaf, IReadOnlyList<string> names)
    {
        foreach (var name in names)
        {
            var reference = name.TrimEnd('.');
            if (reference.Length == 0) continue;
            try
            {
                if (leaf.MatchesHostname(reference, allowWildcards: true, allowCommonName: true)) return true;
            }
            catch (ArgumentException)
            {
                // Not a host name .NET can match (an address literal, say): it names nothing here.
            }
        }
        return false;
    }
}
