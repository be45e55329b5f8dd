using Exim.Abstractions.Resolution;

namespace Exim.Mail.Tls.Dane;

/// <summary>The outcome of <see cref="DaneMatcher.Match"/>.</summary>
/// <param name="Status">Matched, mismatch, or nothing usable.</param>
/// <param name="Record">The record that matched.</param>
/// <param name="Depth">Where in the presented chain it matched: 0 the server's certificate, 1 the next, and so on.</param>
/// <param name="Reason">For a mismatch: why the closest candidate failed, for the log.</param>
internal readonly record struct DaneMatch(DaneMatchStatus Status, TlsaRecord? Record = null, int Depth = 0, string? Reason = null)
{
    public static DaneMatch NoUsableRecords => new(DaneMatchStatus.NoUsableRecords);
}
