namespace Exim.Abstractions.Auth;

/// <summary>What an authenticator answers to a client's response.</summary>
public enum SaslStepKind : byte
{
    /// <summary>Send this challenge (<c>334</c>) and hand back the answer.</summary>
    Challenge,

    /// <summary>The client is authenticated (<c>235 Authentication succeeded</c>).</summary>
    Success,

    /// <summary>The credentials are wrong (<c>535 Incorrect authentication data</c>).</summary>
    Failure,

    /// <summary>It cannot be decided now (<c>435 Unable to authenticate at present</c>): a back end is down.</summary>
    TemporaryFailure,
}
