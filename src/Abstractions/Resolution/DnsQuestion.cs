namespace Exim.Abstractions.Resolution;

/// <summary>One DNS question.</summary>
/// <param name="Name">The name to look up, without a trailing dot.</param>
/// <param name="Type">The record type.</param>
/// <param name="RequestDnssec">Set the DO bit so a validating resolver reports authenticated data.</param>
public readonly record struct DnsQuestion(string Name, DnsRecordType Type, bool RequestDnssec = false)
{
    /// <summary>
    /// Exim's <c>qualify_single</c> (the resolver's RES_DEFNAMES): a name of one component is tried with the
    /// resolver's default domain (the first <c>search</c> domain) appended before it is tried as it is.
    /// </summary>
    public bool QualifySingle { get; init; }

    /// <summary>
    /// Exim's <c>search_parents</c> (RES_DNSRCH): a name that is not found is tried with each <c>search</c> domain
    /// appended in turn (for a one-component name, only together with <see cref="QualifySingle"/>).
    /// </summary>
    public bool SearchParents { get; init; }
}
