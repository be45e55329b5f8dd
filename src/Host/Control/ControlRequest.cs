using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Exim.Host.Control;

/// <summary>One request line: its name (lower case) and its arguments.</summary>
internal sealed record ControlRequest(string Name, ImmutableArray<string> Arguments)
{
    /// <summary>Parses a request line (without its LF); only printable ASCII, words separated by spaces or tabs.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, [NotNullWhen(true)] out ControlRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (line.EndsWith("\r"u8)) line = line[..^1];
        foreach (var b in line)
        {
            if (b is < 0x20 and not (byte)'\t' || b > 0x7e)
            {
                error = "a request is printable ASCII";
                return false;
            }
        }
        var words = Encoding.ASCII.GetString(line).Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            error = "empty request";
            return false;
        }
        request = new ControlRequest(words[0].ToLowerInvariant(), [.. words.Skip(1)]);
        error = null;
        return true;
    }
}
