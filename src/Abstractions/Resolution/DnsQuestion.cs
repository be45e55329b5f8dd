namespace Exim.Abstractions.Resolution;

/// <summary>One DNS question.</summary>
/// <param name="Name">The name to look up, without a trailing dot.</param>
/// <param name="Type">The record type.</param>
/// <param name="RequestDnssec">Set the DO bit so a validating resolver reports authenticated data.</param>
public readonly record struct DnsQuestion(string Name, DnsRecordType Type, bool RequestDnssec = false);
