using System.Buffers;
using System.Text;

namespace Exim.Mail.Text;

/// <summary>
/// Text that came from the other end of a connection (HELO names, addresses, commands, header text), made safe for
/// the log and for replies, as Exim's <c>string_printing()</c> does, and the one encoder that puts such text back
/// on the wire or into a file byte for byte.
/// <para>
/// Client bytes are held as Latin-1 (one char per byte) in the session and the spool, so nothing is lost. For a log
/// line or a reply, <see cref="Printing(ReadOnlySpan{byte})"/> turns them into text under this contract:
/// </para>
/// <list type="bullet">
/// <item>printing ASCII (0x20–0x7E) and TAB stay as they are (TAB is escaped too with <c>escapeTab</c>, Exim's SP_TAB,
/// which replies use); a backslash stays a single backslash (Exim does not escape it either);</item>
/// <item>other control bytes are escaped as Exim escapes them: <c>\n \r \b \v \f \t</c>, everything else (NUL, ESC,
/// DEL, ...) as three octal digits, <c>\000</c>; so a client can never start a line of its own in the log or a reply;</item>
/// <item>8-bit bytes that form valid UTF-8 are decoded to the characters they encode, so a UTF-8 writer reproduces
/// exactly the bytes the client sent (<c>jérôme</c> stays <c>jérôme</c>, never <c>jÃ©rÃ´me</c>), except that encoded
/// C1 controls, line and paragraph separators (U+2028, U+2029) and bidirectional overrides are escaped byte by byte
/// in octal, as Exim escapes every 8-bit byte;</item>
/// <item>each byte that is not part of valid UTF-8 becomes a lone low surrogate, U+DC00 + the byte (U+DC80–U+DCFF,
/// Python's "surrogateescape"), which <see cref="GetBytes(ReadOnlySpan{char}, Span{byte})"/> (and the log file
/// writer) turns back into that one raw byte. Such a string is not valid UTF-16 on purpose: no other encoder may be
/// used on it.</item>
/// </list>
/// </summary>
internal static class ClientText
{
    private const char SurrogateEscapeBase = '\uDC00';

    /// <summary>The log and reply form of client bytes (see the class summary for the contract).</summary>
    public static string Printing(ReadOnlySpan<byte> bytes, bool escapeTab = false)
    {
        if (IsPlain(bytes, escapeTab)) return Encoding.ASCII.GetString(bytes);
        var sb = new StringBuilder(bytes.Length + 16);
        Append(sb, bytes, escapeTab);
        return sb.ToString();
    }

    /// <summary>
    /// As <see cref="Printing(ReadOnlySpan{byte})"/>, for client bytes held as a Latin-1 string (one char per byte).
    /// Returns the same instance when there is nothing to escape or decode, so the common case allocates nothing.
    /// </summary>
    public static string Printing(string latin1, bool escapeTab = false)
    {
        ArgumentNullException.ThrowIfNull(latin1);
        var plain = true;
        foreach (var c in latin1)
        {
            if (!IsPlain(c, escapeTab)) { plain = false; break; }
        }
        if (plain) return latin1;
        var rented = ArrayPool<byte>.Shared.Rent(latin1.Length);
        try
        {
            var n = Encoding.Latin1.GetBytes(latin1, rented);
            var sb = new StringBuilder(latin1.Length + 16);
            Append(sb, rented.AsSpan(0, n), escapeTab);
            return sb.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Appends the printing form of <paramref name="bytes"/> to <paramref name="sb"/>.</summary>
    public static void Append(StringBuilder sb, ReadOnlySpan<byte> bytes, bool escapeTab = false)
    {
        ArgumentNullException.ThrowIfNull(sb);
        Span<char> utf16 = stackalloc char[2];
        var i = 0;
        while (i < bytes.Length)
        {
            var b = bytes[i];
            if (b < 0x80)
            {
                if (IsPlain((char)b, escapeTab)) sb.Append((char)b);
                else AppendEscaped(sb, b);
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf8(bytes[i..], out var rune, out var consumed) == OperationStatus.Done)
            {
                if (IsHazardous(rune))
                {
                    foreach (var e in bytes.Slice(i, consumed)) AppendOctal(sb, e);
                }
                else
                {
                    sb.Append(utf16[..rune.EncodeToUtf16(utf16)]);
                }
                i += consumed;
                continue;
            }
            sb.Append((char)(SurrogateEscapeBase + b));
            i++;
        }
    }

    /// <summary>
    /// Appends log text from any source (a client's text already made printing, a plugin's or a script's message) so it
    /// stays one log entry: a newline starts an indented continuation line, so tools can tell it from a new entry; TAB
    /// stays; every other control character, and the decoded characters that could break or disguise a line (C1
    /// controls, U+2028, U+2029, bidirectional overrides), is escaped as <see cref="Append"/> escapes it. Surrogate
    /// escapes (U+DC80–U+DCFF, raw client bytes) pass through for <see cref="GetBytes(ReadOnlySpan{char}, Span{byte})"/>.
    /// </summary>
    public static StringBuilder AppendLogText(StringBuilder sb, ReadOnlySpan<char> text)
    {
        ArgumentNullException.ThrowIfNull(sb);
        Span<byte> utf8 = stackalloc byte[4];
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsLogSafe(c)) continue;
            sb.Append(text[start..i]);
            start = i + 1;
            if (c == '\n') sb.Append("\n  ");
            else if (c < 0x80) AppendEscaped(sb, (byte)c);
            else
            {
                var n = new Rune(c).EncodeToUtf8(utf8);
                foreach (var b in utf8[..n]) AppendOctal(sb, b);
            }
        }
        return sb.Append(text[start..]);
    }

    private static bool IsLogSafe(char c) => c switch
    {
        '\t' => true,
        < ' ' or '\x7f' => false,
        < '\x80' => true,
        <= '\x9f' => false, // C1 controls
        _ when char.IsSurrogate(c) => true, // pairs, and the surrogate escapes of raw bytes
        _ => !IsHazardous(new Rune(c)),
    };

    /// <summary>The most bytes <see cref="GetBytes"/> writes for <paramref name="chars"/> chars.</summary>
    public static int GetMaxByteCount(int chars) => chars * 3;

    /// <summary>
    /// Encodes text for the wire or a file: UTF-8, except that each lone surrogate U+DC80–U+DCFF becomes the one raw
    /// byte it stands for (see the class summary). Any other lone surrogate becomes <c>?</c>.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public static int GetBytes(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var n = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                destination[n++] = (byte)c;
                i++;
                continue;
            }
            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) == OperationStatus.Done)
            {
                n += rune.EncodeToUtf8(destination[n..]);
                i += consumed;
                continue;
            }
            destination[n++] = c is >= '\uDC80' and <= '\uDCFF' ? (byte)(c - SurrogateEscapeBase) : (byte)'?';
            i++;
        }
        return n;
    }

    /// <summary>The bytes <see cref="GetBytes(ReadOnlySpan{char}, Span{byte})"/> writes for <paramref name="text"/>.</summary>
    public static byte[] GetBytes(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var buffer = new byte[GetMaxByteCount(text.Length)];
        return buffer[..GetBytes(text, buffer)];
    }

    private static bool IsPlain(ReadOnlySpan<byte> bytes, bool escapeTab)
    {
        foreach (var b in bytes)
        {
            if (!IsPlain((char)b, escapeTab)) return false;
        }
        return true;
    }

    private static bool IsPlain(char c, bool escapeTab) => c is >= ' ' and <= '~' || (c == '\t' && !escapeTab);

    /// <summary>Decoded characters that would let text break a line or disguise itself in a terminal or an editor.</summary>
    private static bool IsHazardous(Rune rune) => rune.Value is (>= 0x80 and <= 0x9F) or 0x2028 or 0x2029 or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    /// <summary>Appends Exim's escape for one control byte: <c>\n \r \b \v \f \t</c>, else three octal digits.</summary>
    public static StringBuilder AppendEscaped(StringBuilder sb, byte b)
    {
        ArgumentNullException.ThrowIfNull(sb);
        switch (b)
        {
            case (byte)'\n': sb.Append("\\n"); break;
            case (byte)'\r': sb.Append("\\r"); break;
            case (byte)'\b': sb.Append("\\b"); break;
            case (byte)'\v': sb.Append("\\v"); break;
            case (byte)'\f': sb.Append("\\f"); break;
            case (byte)'\t': sb.Append("\\t"); break;
            default: AppendOctal(sb, b); break;
        }
        return sb;
    }

    private static void AppendOctal(StringBuilder sb, byte b)
        => sb.Append('\\').Append((char)('0' + (b >> 6))).Append((char)('0' + ((b >> 3) & 7))).Append((char)('0' + (b & 7)));
}
