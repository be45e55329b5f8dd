using System.Collections.Immutable;
using System.Text;

namespace Exim.Mail.Spool;

/// <summary>
/// Exim's non-recipients tree in a -H file: <c>XX</c> when empty, else the nodes in pre-order, one per line as
/// <c>LR address</c>, where L and R are <c>Y</c> or <c>N</c> for whether a left and right subtree follow. We write a
/// balanced tree of the sorted addresses; any tree Exim wrote reads back as its set of addresses.
/// </summary>
internal static class NonRecipientsTree
{
    private const int MaxDepth = 64;

    public static void Write(StringBuilder sb, ImmutableSortedSet<string> addresses)
    {
        if (addresses.IsEmpty)
        {
            sb.Append("XX\n");
            return;
        }
        var sorted = addresses.ToArray();
        WriteRange(sb, sorted, 0, sorted.Length - 1);
    }

    private static void WriteRange(StringBuilder sb, string[] sorted, int low, int high)
    {
        var mid = low + (high - low) / 2;
        sb.Append(mid > low ? 'Y' : 'N').Append(mid < high ? 'Y' : 'N').Append(' ').Append(sorted[mid]).Append('\n');
        if (mid > low) WriteRange(sb, sorted, low, mid - 1);
        if (mid < high) WriteRange(sb, sorted, mid + 1, high);
    }

    /// <summary>Reads the tree starting at <paramref name="index"/>; advances past it. False when the lines are not a tree.</summary>
    public static bool TryRead(IReadOnlyList<string> lines, ref int index, out ImmutableSortedSet<string> addresses)
    {
        var builder = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        addresses = [];
        if (index >= lines.Count) return false;
        if (lines[index] == "XX")
        {
            index++;
            addresses = builder.ToImmutable();
            return true;
        }
        if (!TryReadNode(lines, ref index, builder, 0)) return false;
        addresses = builder.ToImmutable();
        return true;
    }

    private static bool TryReadNode(IReadOnlyList<string> lines, ref int index, ImmutableSortedSet<string>.Builder into, int depth)
    {
        if (depth > MaxDepth || index >= lines.Count) return false;
        var line = lines[index++];
        if (line.Length < 4 || line[2] != ' ' || line[0] is not ('Y' or 'N') || line[1] is not ('Y' or 'N')) return false;
        into.Add(line[3..]);
        if (line[0] == 'Y' && !TryReadNode(lines, ref index, into, depth + 1)) return false;
        return line[1] != 'Y' || TryReadNode(lines, ref index, into, depth + 1);
    }
}
