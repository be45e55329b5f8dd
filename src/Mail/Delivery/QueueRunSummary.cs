namespace Exim.Mail.Delivery;

/// <summary>What a queue run did: messages completed, left deferred, and skipped because another process held them.</summary>
internal sealed record QueueRunSummary(int Completed, int Deferred, int Locked);
