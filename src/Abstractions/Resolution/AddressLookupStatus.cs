namespace Exim.Abstractions.Resolution;

/// <summary>The outcome of a name-to-address lookup through the system resolver.</summary>
public enum AddressLookupStatus
{
    /// <summary>At least one address.</summary>
    Found,
    /// <summary>The name has no addresses (HOST_NOT_FOUND / NO_DATA).</summary>
    NotFound,
    /// <summary>A temporary failure (TRY_AGAIN).</summary>
    Again,
    /// <summary>A permanent resolver failure (NO_RECOVERY).</summary>
    Fail,
}
