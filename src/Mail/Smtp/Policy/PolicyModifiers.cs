using System.Text;
using Exim.Abstractions.Scripting;
using Exim.Mail.Spool;

namespace Exim.Mail.Smtp.Policy;

/// <summary>
/// What accepting verdicts asked for, collected until the message is spooled: headers to add and remove, a named queue,
/// queue only, freeze. The first queue named wins, as the first decision does. Nothing is allocated until a verdict
/// asks for something (most connections never do).
/// </summary>
internal sealed class PolicyModifiers
{
    private List<string>? _added;
    private List<string>? _removed;

    public IReadOnlyList<string> AddedHeaders => (IReadOnlyList<string>?)_added ?? [];
    public IReadOnlyList<string> RemovedHeaders => (IReadOnlyList<string>?)_removed ?? [];
    public string? Queue { get; private set; }
    public bool QueueOnly { get; private set; }
    public bool Frozen { get; private set; }

    public bool IsEmpty => _added is not { Count: > 0 } && _removed is not { Count: > 0 } && Queue is null && !QueueOnly && !Frozen;

    public void Add(Verdict verdict)
    {
        foreach (var h in verdict.AddedHeaders) AddHeader(h);
        foreach (var h in verdict.RemovedHeaders) (_removed ??= []).Add(h);
        Queue ??= verdict.Queue;
        QueueOnly |= verdict.QueueOnly;
        Frozen |= verdict.Frozen;
    }

    public void Add(PolicyModifiers other)
    {
        if (other.IsEmpty) return;
        foreach (var h in other.AddedHeaders) AddHeader(h);
        foreach (var h in other.RemovedHeaders) (_removed ??= []).Add(h);
        Queue ??= other.Queue;
        QueueOnly |= other.QueueOnly;
        Frozen |= other.Frozen;
    }

    public void Clear()
    {
        _added?.Clear();
        _removed?.Clear();
        Queue = null;
        QueueOnly = false;
        Frozen = false;
    }

    /// <summary>
    /// The header lines with these modifiers applied, and the S= size: removed headers stay in the -H file flagged as
    /// deleted (Exim's htype_old), so they are never delivered; added ones go at the end (Exim's default place). S= counts
    /// what is delivered.
    /// </summary>
    public (IReadOnlyList<SpoolHeaderLine> Lines, long Size) Apply(IReadOnlyList<SpoolHeaderLine> lines, long size)
    {
        var result = new List<SpoolHeaderLine>(lines.Count + AddedHeaders.Count);
        foreach (var line in lines)
        {
            if (line.Flag != SpoolHeaderFile.Deleted && Named(line.Text, RemovedHeaders))
            {
                result.Add(line with { Flag = SpoolHeaderFile.Deleted });
                size -= Encoding.Latin1.GetByteCount(line.Text);
            }
            else
            {
                result.Add(line);
            }
        }
        foreach (var line in SpoolHeaderFile.Lines(AddedHeaders))
        {
            result.Add(line);
            size += Encoding.Latin1.GetByteCount(line.Text);
        }
        return (result, size);

        static bool Named(string header, IReadOnlyList<string> names)
        {
            foreach (var name in names)
            {
                if (header.Length > name.Length && header[name.Length] == ':' && header.StartsWith(name, StringComparison.OrdinalIgnoreCase)) return true;
            }
            return false;
        }
    }

    private void AddHeader(string header)
    {
        _added ??= [];
        if (!_added.Contains(header)) _added.Add(header); // Exim adds an identical line once
    }
}
