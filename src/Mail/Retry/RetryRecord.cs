namespace Exim.Mail.Retry;

/// <summary>
/// A retry record, as Exim keeps one per failing host or address: when the failures started, the last try, when the
/// next is due, whether the rule's final cutoff has passed, and the last error (an errno-like code and its text).
/// </summary>
internal sealed record RetryRecord(string Key, DateTimeOffset FirstFailed, DateTimeOffset LastTry, DateTimeOffset NextTry, bool Expired,
    int Errno, string Text);
