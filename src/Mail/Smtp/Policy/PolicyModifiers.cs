using Exim.Abstractions.Scripting;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// What accepting verdicts asked for, collected until the message is spooled: headers to add and remove, a named queue,
/// queue only, freeze. The first queue named wins, as the first decision does.
/// </summary>
internal sealed class PolicyModifiers
{
    public List<string> AddedHeaders { get; } = [];
    public List<string> RemovedHeaders { get; } = [];
    public string? Queue { get; private set; }
    public bool QueueOnly { get; private set; }
    public bool Frozen { get; private set; }

    public bool IsEmpty => AddedHeaders.Count == 0 && RemovedHeaders.Count == 0 && Queue is null && !QueueOnly && !Frozen;

    public void Add(Verdict verdict)
    {
        foreach (var h in verdict.AddedHeaders) if (!AddedHeaders.Contains(h)) AddedHeaders.Add(h); // Exim adds an identical line once
        foreach (var h in verdict.RemovedHeaders) RemovedHeaders.Add(h);
        Queue ??= verdict.Queue;
        QueueOnly |= verdict.QueueOnly;
        Frozen |= verdict.Frozen;
    }

    public void Add(PolicyModifiers other)
    {
        foreach (var h in other.AddedHeaders) if (!AddedHeaders.Contains(h)) AddedHeaders.Add(h);
        RemovedHeaders.AddRange(other.RemovedHeaders);
        Queue ??= other.Queue;
        QueueOnly |= other.QueueOnly;
        Frozen |= other.Frozen;
    }

    public void Clear()
    {
        AddedHeaders.Clear();
        RemovedHeaders.Clear();
        Queue = null;
        QueueOnly = false;
        Frozen = false;
    }
}
