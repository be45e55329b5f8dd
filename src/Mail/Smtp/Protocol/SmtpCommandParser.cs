namespace Exim.Mail.Smtp.Protocol;

/// <summary>
/// Parses one command line (its line ending already removed) as Exim's smtp_read_command does: the verb is the first
/// four characters, compared without regard to case, followed by a space or the end of the line; the argument is the
/// rest without its surrounding white space. A pure function over bytes: no allocation, no exceptions, any input.
/// </summary>
internal static class SmtpCommandParser
{
    public static SmtpCommand Parse(ReadOnlySpan<byte> line)
    {
        var hasNul = line.IndexOf((byte)0) >= 0;
        var end = line.Length;
        while (end > 0 && IsSpace(line[end - 1])) end--;
        var startTls = IsStartTls(line[..end]);
        var verb = startTls ? SmtpVerb.StartTls : end >= 4 && (end == 4 || line[4] == (byte)' ') ? Verb(line[..4]) : SmtpVerb.Unknown;
        if (verb == SmtpVerb.Unknown) return new SmtpCommand(SmtpVerb.Unknown, 0, end, hasNul);
        var start = startTls ? 8 : 4;
        while (start < end && IsSpace(line[start])) start++;
        return new SmtpCommand(verb, start, end - start, hasNul);
    }

    private static SmtpVerb Verb(ReadOnlySpan<byte> word)
    {
        // Upper-case the four letters as one integer: ASCII letters only differ in bit 5.
        var key = (uint)(word[0] & 0xDF) << 24 | (uint)(word[1] & 0xDF) << 16 | (uint)(word[2] & 0xDF) << 8 | (uint)(word[3] & 0xDF);
        return key switch
        {
            0x48454C4F => SmtpVerb.Helo,
            0x45484C4F => SmtpVerb.Ehlo,
            0x4D41494C => SmtpVerb.Mail,
            0x52435054 => SmtpVerb.Rcpt,
            0x44415441 => SmtpVerb.Data,
            0x52534554 => SmtpVerb.Rset,
            0x4E4F4F50 => SmtpVerb.Noop,
            0x51554954 => SmtpVerb.Quit,
            0x56524659 => SmtpVerb.Vrfy,
            0x4558504E => SmtpVerb.Expn,
            0x48454C50 => SmtpVerb.Help,
            0x41555448 => SmtpVerb.Auth,
            _ => SmtpVerb.Unknown,
        };
    }

    /// <summary>The one verb longer than four letters: STARTTLS, alone or followed by a space.</summary>
    private static bool IsStartTls(ReadOnlySpan<byte> line)
    {
        if (line.Length < 8 || (line.Length > 8 && line[8] != (byte)' ')) return false;
        var key = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(line) & 0xDFDFDFDFDFDFDFDF; // upper-cased, as in Verb
        return key == 0x5354415254544C53; // "STARTTLS"
    }

    /// <summary>C's isspace in the C locale, which Exim uses to trim command lines.</summary>
    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
