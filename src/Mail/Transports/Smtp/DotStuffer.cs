namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// Turns spooled text (LF line ends) into SMTP DATA (RFC 5321 §4.5.2): CRLF line ends and a dot doubled at the start
/// of a line. A state machine over spans, so the body streams through in chunks; <see cref="LineStart"/> carries over.
/// Either step can be left out (<see cref="Delivery.SpoolDeliveryMessage"/>'s write options): <paramref name="crlf"/>
/// false keeps LF line ends, <paramref name="stuff"/> false leaves dots alone.
/// </summary>
internal sealed class DotStuffer(bool crlf = true, bool stuff = true)
{
    public bool LineStart { get; private set; } = true;

    /// <summary>The most output <paramref name="inputLength"/> bytes can produce.</summary>
    public static int MaxOutput(int inputLength) => inputLength * 2;

    /// <summary>Converts <paramref name="input"/> into <paramref name="output"/> and returns the bytes written.</summary>
    public int Convert(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var n = 0;
        var lineStart = LineStart;
        foreach (var b in input)
        {
            if (stuff && lineStart && b == (byte)'.') output[n++] = (byte)'.';
            if (b == (byte)'\n')
            {
                if (crlf) output[n++] = (byte)'\r';
                output[n++] = (byte)'\n';
                lineStart = true;
                continue;
            }
            output[n++] = b;
            lineStart = false;
        }
        LineStart = lineStart;
        return n;
    }

    /// <summary>The end of DATA: a line end if the text did not end with one, then <c>.</c> CRLF.</summary>
    public ReadOnlySpan<byte> Terminator => LineStart ? ".\r\n"u8 : "\r\n.\r\n"u8;
}
