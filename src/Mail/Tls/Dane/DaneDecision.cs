using System.Collections.Immutable;
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
}
