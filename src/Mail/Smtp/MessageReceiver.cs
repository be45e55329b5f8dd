using System.Text;

namespace Exim.Mail.Smtp;

/// <summary>
/// Turns the decoded message (the spool form from <see cref="Protocol.DataDecoder"/>: LF line ends, dots un-stuffed)
/// into a spooled message as it arrives: collects the header section (continuation lines joined), streams the body
/// into the -D file in whole spans, and stops storing (but keeps counting, so the dialogue stays in sync) once
/// message_size_limit is passed; the headers read so far are kept for the reject log. Header bytes are kept as
/// Latin-1 so every octet survives unchanged.
/// </summary>
internal sealed class MessageReceiver(Stream data, long sizeLimit)
{
    /// <summary>Longest header name we wait for before deciding that a line without a colon is body text.</summary>
    private const int MaxHeaderName = 998;

    private readonly StringBuilder _header = new();
    private readonly StringBuilder _name = new();
    private Section _section = Section.LineStart;
    private bool _inHeader;
    private int _lineLength;

    private enum Section : byte
    {
        /// <summary>At the start of a line in the header section.</summary>
        LineStart,
        /// <summary>Reading what may be a header name (held in <c>_name</c> until a colon or a non-name byte decides).</summary>
        Name,
        /// <summary>Reading the rest of a header line (or a continuation line).</summary>
        HeaderText,
        /// <summary>In the body.</summary>
        Body,
    }

    public List<string> Headers { get; } = [];

    /// <summary>Bytes of the message in spool form so far (headers, the blank line and the body): Exim's message_size.</summary>
    public long Received { get; private set; }

    /// <summary>Bytes of the headers as stored (each with its newline).</summary>
    public long HeaderBytes { get; private set; }

    /// <summary>Bytes written to the -D file after its id line.</summary>
    public long BodyBytes { get; private set; }

    public int BodyLines { get; private set; }
    public int MaxLineLength { get; private set; }
    public string? MessageId { get; private set; }
    public bool TooBig { get; private set; }

    /// <summary>Exim's <c>read=</c> for a message that was too big: the size at which reading stopped counting (the limit plus one).</summary>
    public long ReadAtLimit => sizeLimit + 1;

    public void Add(ReadOnlySpan<byte> content)
    {
        if (TooBig)
        {
            Received += content.Length; // only counted from here on, so the dialogue stays in sync
            return;
        }
        if (sizeLimit > 0 && Received + content.Length > sizeLimit)
        {
            // What fits is taken in, so the headers read so far are there for the reject log.
            Store(content[..(int)(sizeLimit - Received)]);
            Received += content.Length;
            TooBig = true;
            return;
        }
        Received += content.Length;
        Store(content);
    }

    private void Store(ReadOnlySpan<byte> content)
    {
        TrackLines(content);
        while (!content.IsEmpty && _section != Section.Body)
        {
            content = AddHeaderBytes(content);
        }
        if (content.IsEmpty) return;
        data.Write(content);
        BodyBytes += content.Length;
        BodyLines += content.Count((byte)'\n');
    }

    private void TrackLines(ReadOnlySpan<byte> content)
    {
        while (true)
        {
            var lf = content.IndexOf((byte)'\n');
            if (lf < 0)
            {
                _lineLength += content.Length;
                return;
            }
            MaxLineLength = Math.Max(MaxLineLength, _lineLength + lf);
            _lineLength = 0;
            content = content[(lf + 1)..];
        }
    }

    /// <summary>Consumes header-section bytes up to a decision point; returns the rest.</summary>
    private ReadOnlySpan<byte> AddHeaderBytes(ReadOnlySpan<byte> content)
    {
        switch (_section)
        {
            case Section.LineStart:
                var first = content[0];
                if (first == (byte)'\n')
                {
                    EndHeader();
                    _section = Section.Body; // the blank separator line is not stored, as in Exim's -D file
                    return content[1..];
                }
                if (_inHeader && first is (byte)' ' or (byte)'\t')
                {
                    _header.Append('\n');
                    _section = Section.HeaderText;
                    return content;
                }
                _section = Section.Name;
                return content;

            case Section.Name:
                for (var i = 0; i < content.Length; i++)
                {
                    var b = content[i];
                    if (b == (byte)':' && _name.Length + i > 0)
                    {
                        EndHeader();
                        _inHeader = true;
                        AppendLatin1(_header, _name);
                        _name.Clear();
                        AppendLatin1(_header, content[..i]);
                        _section = Section.HeaderText;
                        return content[i..];
                    }
                    if (b is <= 32 or >= 127 || _name.Length + i >= MaxHeaderName)
                    {
                        // Not a header: the header section ends and this line is the first line of the body.
                        EndHeader();
                        _section = Section.Body;
                        var pending = _name.ToString();
                        _name.Clear();
                        if (pending.Length > 0)
                        {
                            var bytes = Encoding.Latin1.GetBytes(pending);
                            data.Write(bytes);
                            BodyBytes += bytes.Length;
                        }
                        return content;
                    }
                }
                AppendLatin1(_name, content);
                return [];

            default: // HeaderText
                var lf = content.IndexOf((byte)'\n');
                if (lf < 0)
                {
                    AppendLatin1(_header, content);
                    return [];
                }
                AppendLatin1(_header, content[..lf]);
                _section = Section.LineStart;
                return content[(lf + 1)..];
        }
    }

    private static void AppendLatin1(StringBuilder sb, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes) sb.Append((char)b);
    }

    private static void AppendLatin1(StringBuilder to, StringBuilder from)
    {
        foreach (var chunk in from.GetChunks()) to.Append(chunk.Span);
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
        if (_section == Section.Name && _name.Length > 0)
        {
            // A last line without a line end, short of a colon: body text.
            var bytes = Encoding.Latin1.GetBytes(_name.ToString());
            _name.Clear();
            data.Write(bytes);
            BodyBytes += bytes.Length;
        }
        EndHeader();
        await data.FlushAsync().ConfigureAwait(false);
    }
}
