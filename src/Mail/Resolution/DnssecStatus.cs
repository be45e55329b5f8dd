namespace Exim.Mail.Resolution;

/// <summary>Whether a host's records were DNSSEC-secured (Exim's host_item dnssec: DS_UNK, DS_YES, DS_NO).</summary>
internal enum DnssecStatus : byte
{
    /// <summary>DNSSEC was not requested, or nothing said either way.</summary>
    Unknown,
    /// <summary>Every answer on the way (MX or SRV, then the addresses) was secure.</summary>
    Yes,
    /// <summary>DNSSEC was requested and some answer on the way was not secure.</summary>
    No,
}
