namespace Exim.Mail.Delivery;

/// <summary>What trying to lock a message gave.</summary>
internal enum LockAttempt
{
    Acquired,
    /// <summary>Another process or task is delivering it.</summary>
    Locked,
    /// <summary>No such message (or it was completed meanwhile).</summary>
    NotFound,
}
