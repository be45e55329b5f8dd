using Exim.Mail.Retry;
using Exim.Mail.Spool;

namespace Exim.Mail.Delivery;

/// <summary>
/// The mutable state of one message's delivery attempt: its -H contents, what is done, what failed, and retry changes;
/// <paramref name="input"/> is the input directory of the message's queue, <paramref name="queue"/> its name (null: the default queue).
/// </summary>
internal sealed class MessageState(SpoolHeader header, MessageContent content, RetryDatabase retryDatabase, string input,
    string? queue)
{
    public string Input { get; } = input;
    public string? Queue { get; } = queue;
    public SpoolHeader Header { get; set; } = header;
    public MessageContent Content { get; } = content;
    public Dictionary<string, RetryRecord?> RetryChanges { get; } = new(StringComparer.Ordinal);

    /// <summary>Records read from the retry database during this attempt (null: looked up, none), each key read once.</summary>
    public Dictionary<string, RetryRecord?> RetryRead { get; } = new(StringComparer.Ordinal);
    public List<FailedRecipient> Failed { get; } = [];

    /// <summary>
    /// The non-recipients entries this attempt added because of failures (the failed addresses' unique addresses, and
    /// originals they completed): taken out again if the bounce cannot be written, so the next attempt fails them again.
    /// </summary>
    public HashSet<string> FailedKeys { get; } = new(StringComparer.Ordinal);
    public List<string> NewlyDone { get; } = [];
    public string? FreezeReason { get; set; }

    /// <summary>This attempt's routing results and the original recipients they came from.</summary>
    public RedirectTracker Routed { get; } = new();
    public bool HeaderChanged { get; set; }

    /// <summary>
    /// The record for <paramref name="key"/> as this attempt sees it: changed here, else as first read from the database
    /// (a lookup by key: an attempt costs the same with ten records or ten thousand).
    /// </summary>
    public RetryRecord? Record(string key)
    {
        if (RetryChanges.TryGetValue(key, out var changed)) return changed;
        if (!RetryRead.TryGetValue(key, out var read)) RetryRead[key] = read = retryDatabase.Find(key);
        return read;
    }
}
