using System.Buffers;
using System.Text;

namespace Exim.Host.Log;

/// <summary>
/// How log text becomes the bytes in a log file: UTF-8, except that a lone low surrogate U+DC80..U+DCFF stands for the
/// raw byte 0x80..0xFF (the "surrogateescape" convention). Client text that was not valid UTF-8 is carried that way, so
/// an 8-bit byte a client sent reaches the log as that same byte, never re-encoded. Any other lone surrogate becomes
/// U+FFFD.
/// </summary>
internal static class LogLineEncoding
{
    public static byte[] GetBytes(StringBuilder text)
    {
        var writer = new ArrayBufferWriter<byte>(Math.Max(256, text.Length + text.Length / 8));
        char pendingHigh = default;
        foreach (var chunk in text.GetChunks())
        {
            foreach (var c in chunk.Span)
            {
                if (pendingHigh != default)
                {
                    var high = pendingHigh;
                    pendingHigh = default;
                    if (char.IsLowSurrogate(c))
                    {
                        Put(writer, new Rune(high, c));
                        continue;
                    }
                    Put(writer, Rune.ReplacementChar);
                }
                if (char.IsHighSurrogate(c)) pendingHigh = c;
                else if (c is >= '\uDC80' and <= '\uDCFF') PutByte(writer, (byte)(c - 0xDC00));
                else if (char.IsLowSurrogate(c)) Put(writer, Rune.ReplacementChar);
                else if (c < 0x80) PutByte(writer, (byte)c);
                else Put(writer, new Rune(c));
            }
        }
        if (pendingHigh != default) Put(writer, Rune.ReplacementChar);
        return writer.WrittenSpan.ToArray();
    }

    private static void PutByte(ArrayBufferWriter<byte> writer, byte value)
    {
        writer.GetSpan(1)[0] = value;
        writer.Advance(1);
    }

    private static void Put(ArrayBufferWriter<byte> writer, Rune value) => writer.Advance(value.EncodeToUtf8(writer.GetSpan(4)));
}
