using System.Collections.Frozen;
using Exim.Mail.Retry;
using Exim.Mail.Spool;

namespace Exim.Mail.Delivery;

/// <summary>
/// The mutable state of one message's delivery attempt: its -H contents, what is done, what failed, and retry changes;
/// <paramref name="input"/> is the input directory of the message's queue, <paramref name="queue"/> its name (null: the default queue).
/// </summary>
internal sealed class MessageState(SpoolHeader header, MessageContent content, FrozenDictionary<string, RetryRecord> retrySnapshot, string input,
    string? queue)
{
    public string Input { get; } = input;
    public string? Queue { get; } = queue;
    public SpoolHeader Header { get; set; } = header;
    public MessageContent Content { get; } = content;
    public FrozenDictionary<string, RetryRecord> RetrySnapshot { get; } = retrySnapshot;
    public Dictionary<string, RetryRecord?> RetryChanges { get; } = new(StringComparer.Ordinal);
    public List<FailedRecipient> Failed { get; } = [];
    public List<string> NewlyDone { get; } = [];
    public string? FreezeReason { get; set; }
    public bool HeaderChanged { get; set; }

    /// <summary>The record for <paramref name="key"/> as this attempt sees it: changed here, else from the snapshot.</summary>
    public RetryRecord? Record(string key)
        => RetryChanges.TryGetValue(key, out var changed) ? changed : RetrySnapshot.GetValueOrDefault(key);
}
