namespace Exim.Mail.Smtp.Protocol;

/// <summary>
/// The DATA reader's state machine (RFC 5321 §4.1.1.4, §4.5.2): finds the end of the message and turns the wire form
/// into Exim's spool form, as a pure function over bytes that any split into packets gives the same result.
/// <list type="bullet">
/// <item>The message ends at the first <c>CR LF . CR LF</c> and nowhere else (the CR LF of the DATA command counts, so
/// <c>. CR LF</c> at once is an empty message). <c>LF . LF</c>, <c>LF . CR LF</c>, <c>CR LF . LF</c>, <c>CR . CR</c> and
/// the like are data: this is the fix for SMTP smuggling (CVE-2023-51766, Postfix 3.9's
/// <c>smtpd_forbid_bare_newline = normalize</c>).</item>
/// <item>Every line end becomes one LF. A bare LF or a bare CR also ends a line, as in Exim (bare CR) and Postfix's
/// normalize mode (bare LF); they are counted in <see cref="BareLf"/> and <see cref="BareCr"/> so a strict session can
/// refuse the message. So the spool never holds a CR.</item>
/// <item>A dot at the start of any line is removed (un-stuffing), whatever ended the line before.</item>
/// </list>
/// With <see cref="LocalInput"/> (Exim's local SMTP, <c>-bh</c> on a terminal) a bare LF is a full line end, so
/// <c>. LF</c> ends the message too, and bare LFs are not counted.
/// </summary>
internal sealed class DataDecoder(bool localInput = false)
{
    private State _state = State.LineStart;

    private enum State : byte
    {
        /// <summary>At the start of a line that followed CR LF (or the DATA command): a dot here may begin the end.</summary>
        LineStart,
        /// <summary>At the start of a line that followed a bare LF or CR: a dot is removed but can never end DATA.</summary>
        SoftLineStart,
        /// <summary>Inside a line.</summary>
        Text,
        /// <summary>After a CR inside a line (not yet written: CR LF is one line end, a bare CR another).</summary>
        Cr,
        /// <summary>After CR LF and a dot (the dot is not written).</summary>
        Dot,
        /// <summary>After CR LF, a dot and a CR.</summary>
        DotCr,
        /// <summary>The end was found.</summary>
        Ended,
    }

    /// <summary>Whether a bare LF is a full line end (local input); see the class summary.</summary>
    public bool LocalInput { get; } = localInput;

    /// <summary>LFs not preceded by a CR so far (not counted for local input).</summary>
    public long BareLf { get; private set; }

    /// <summary>CRs not followed by an LF so far.</summary>
    public long BareCr { get; private set; }

    /// <summary>Whether the terminating <c>CR LF . CR LF</c> has been seen.</summary>
    public bool Ended => _state == State.Ended;

    /// <summary>The least output space <see cref="Decode"/> needs for <paramref name="inputLength"/> bytes of input.</summary>
    public static int MaxOutput(int inputLength) => inputLength + 1;

    /// <summary>
    /// Decodes <paramref name="input"/> into <paramref name="output"/> (at least <see cref="MaxOutput"/> bytes long),
    /// stopping just after the terminator. <paramref name="consumed"/> is how much of the input belongs to the message
    /// (the rest, after the terminator, is the next command); <paramref name="written"/> is the spool-form output.
    /// </summary>
    /// <returns>True when the terminator has been seen.</returns>
    public bool Decode(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        if (output.Length < MaxOutput(input.Length)) throw new ArgumentException("output shorter than MaxOutput(input.Length)", nameof(output));
        var i = 0;
        var n = 0;
        var state = _state;
        while (i < input.Length && state != State.Ended)
        {
            var b = input[i];
            switch (state)
            {
                case State.Text:
                    {
                        // The common case: copy up to the next CR or LF in one go.
                        var run = input[i..].IndexOfAny((byte)'\r', (byte)'\n');
                        if (run < 0) run = input.Length - i;
                        if (run > 0)
                        {
                            input.Slice(i, run).CopyTo(output[n..]);
                            n += run;
                            i += run;
                            continue;
                        }
                        i++;
                        if (b == (byte)'\r')
                        {
                            state = State.Cr;
                        }
                        else
                        {
                            output[n++] = (byte)'\n';
                            state = BareLfEnd();
                        }
                        continue;
                    }
                case State.LineStart:
                case State.SoftLineStart:
                    i++;
                    if (b == (byte)'.')
                    {
                        state = state == State.LineStart ? State.Dot : State.Text; // un-stuffed: the dot is dropped
                    }
                    else if (b == (byte)'\r')
                    {
                        state = State.Cr;
                    }
                    else if (b == (byte)'\n')
                    {
                        output[n++] = (byte)'\n';
                        state = BareLfEnd();
                    }
                    else
                    {
                        output[n++] = b;
                        state = State.Text;
                    }
                    continue;
                case State.Cr:
                    if (b == (byte)'\n')
                    {
                        i++;
                        output[n++] = (byte)'\n';
                        state = State.LineStart;
                        continue;
                    }
                    // A bare CR ends the line; the byte after it starts the next one (not consumed yet).
                    output[n++] = (byte)'\n';
                    BareCr++;
                    state = State.SoftLineStart;
                    continue;
                case State.Dot:
                    i++;
                    if (b == (byte)'\r')
                    {
                        state = State.DotCr;
                    }
                    else if (b == (byte)'\n')
                    {
                        if (LocalInput) { state = State.Ended; continue; }
                        output[n++] = (byte)'\n'; // ". LF" is a data line holding a stuffed dot: an empty line
                        BareLf++;
                        state = State.SoftLineStart;
                    }
                    else
                    {
                        output[n++] = b; // the dot was stuffing; this byte (a second dot, or anything) is data
                        state = State.Text;
                    }
                    continue;
                case State.DotCr:
                    if (b == (byte)'\n')
                    {
                        i++;
                        state = State.Ended;
                        continue;
                    }
                    output[n++] = (byte)'\n'; // ". CR x": an empty line ended by a bare CR; x starts the next
                    BareCr++;
                    state = State.SoftLineStart;
                    continue;
            }
        }
        _state = state;
        consumed = i;
        written = n;
        return state == State.Ended;
    }

    private State BareLfEnd()
    {
        if (LocalInput) return State.LineStart;
        BareLf++;
        return State.SoftLineStart;
    }
}
