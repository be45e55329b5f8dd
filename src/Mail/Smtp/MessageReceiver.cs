using System.Text;

namespace Exim.Mail.Smtp;

/// <summary>
/// Turns DATA lines into a spooled message as they arrive: un-stuffs leading dots, collects the header section
/// (continuation lines joined), streams the body into the -D file with LF line endings (Exim's spool form), and
/// stops storing (but keeps counting, so the dialogue stays in sync) once message_size_limit is passed.
/// Header bytes are kept as Latin-1 so every octet survives unchanged.
/// </summary>
internal sealed class MessageReceiver(FileStream data, long sizeLimit)
{
    private readonly StringBuilder _header = new();
    private bool _inHeaders = true;
    private bool _lineStart = true;
    private bool _inHeader;
    private int _lineLength;

    public List<string> Headers { get; } = [];
    public long Received { get; private set; }
    public long HeaderBytes { get; private set; }
    public long BodyBytes { get; private set; }
    public int BodyLines { get; private set; }
    public int MaxLineLength { get; private set; }
    public string? MessageId { get; private set; }
    public bool TooBig { get; private set; }

    /// <summary>True while the last chunk ended mid-line (a lone "." there is data, not the terminator).</summary>
    public bool InPartialLine => !_lineStart;

    public void Add(ReadOnlySpan<byte> chunk, bool complete)
    {
        if (_lineStart && chunk.Length > 0 && chunk[0] == (byte)'.') chunk = chunk[1..];
        Received += chunk.Length + (complete ? 2 : 0);
        if (sizeLimit > 0 && Received > sizeLimit) TooBig = true;
        _lineLength += chunk.Length;
        if (complete)
        {
            MaxLineLength = Math.Max(MaxLineLength, _lineLength);
            _lineLength = 0;
        }
        if (TooBig)
        {
            _lineStart = complete;
            return;
        }
        if (_inHeaders && AddHeader(chunk, complete)) return;

        data.Write(chunk);
        BodyBytes += chunk.Length;
        if (complete)
        {
            data.WriteByte((byte)'\n');
            BodyBytes++;
            BodyLines++;
        }
        _lineStart = complete;
    }

    /// <summary>Consumes a header-section chunk; false when the chunk starts the body instead.</summary>
    private bool AddHeader(ReadOnlySpan<byte> chunk, bool complete)
    {
        if (_lineStart && complete && chunk.IsEmpty)
        {
            EndHeader();
            _inHeaders = false; // the blank separator line is not stored, as in Exim's -D file
            _lineStart = true;
            return true;
        }
        if (!_lineStart || (_inHeader && chunk.Length > 0 && chunk[0] is (byte)' ' or (byte)'\t'))
        {
            if (!_lineStart || _inHeader)
            {
                if (_lineStart) _header.Append('\n');
                _header.Append(Encoding.Latin1.GetString(chunk));
                _lineStart = complete;
                return true;
            }
        }
        if (LooksLikeHeader(chunk))
        {
            EndHeader();
            _inHeader = true;
            _header.Append(Encoding.Latin1.GetString(chunk));
            _lineStart = complete;
            return true;
        }
        EndHeader();
        _inHeaders = false;
        return false;
    }

    private static bool LooksLikeHeader(ReadOnlySpan<byte> line)
    {
        var colon = line.IndexOf((byte)':');
        if (colon <= 0) return false;
        foreach (var b in line[..colon])
        {
            if (b is <= 32 or >= 127) return false;
        }
        return true;
    }

    private void EndHeader()
    {
        if (!_inHeader) return;
        var text = _header.ToString();
        Headers.Add(text);
        HeaderBytes += text.Length + 1;
        if (MessageId is null && text.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
        {
            MessageId = text["Message-ID:".Length..].Trim().Trim('<', '>');
        }
        _header.Clear();
        _inHeader = false;
    }

    public async Task FinishAsync()
    {
        EndHeader();
        await data.FlushAsync().ConfigureAwait(false);
    }
}
