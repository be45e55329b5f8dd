using System.Text;
using CsCheck;
using Exim.Mail.Smtp.Protocol;
using Exim.Mail.Text;
using Exim.Mail.Transports.Smtp;

namespace Exim.Host.Tests.Smtp;

/// <summary>
/// Property-based fuzzing (CsCheck) of the SMTP command parser, the DATA reader and the log text: random inputs biased
/// towards the bytes that matter (CR, LF, dot, NUL, 8-bit), random splits into packets, shrinking to a minimal case on
/// failure. <see cref="SmtpFuzzTests"/> runs them for a bounded time in the suite;
/// <c>dotnet run -c Release --project bench/Exim.Benchmarks -- smtp-fuzz 300</c> runs them longer (this file is compiled
/// into the benchmark project too). A case found failing is kept as an explicit test in <see cref="SmtpFuzzTests"/>.
/// </summary>
internal static class SmtpFuzzProperties
{
    /// <summary>Bytes for DATA: mostly the ones the state machine turns on.</summary>
    private static readonly Gen<byte> WireByte = Gen.Frequency(
        (6, Gen.OneOf((byte)'\r', (byte)'\n', (byte)'.')),
        (2, Gen.OneOf((byte)'a', (byte)' ', (byte)'M')),
        (1, Gen.Byte));

    private static readonly Gen<byte[]> Wire = WireByte.Array[0, 120];

    /// <summary>Packet sizes to split an input into.</summary>
    private static readonly Gen<int[]> Splits = Gen.Int[1, 9].Array[1, 40];

    /// <summary>A DATA stream ends exactly at the first CR LF . CR LF (counting the DATA command's CR LF) and nowhere else, whatever the split; the stored form is the same for every split and holds no CR.</summary>
    public static void DataEndsExactlyAtFirstCrLfDotCrLf(long iter = -1, int time = -1, string? seed = null)
        => Gen.Select(Wire, Splits).Sample((wire, splits) =>
        {
            var expectedEnd = ExpectedEnd(wire);
            var (whole, wholeConsumed) = DecodeInChunks(wire, [wire.Length]);
            var (split, splitConsumed) = DecodeInChunks(wire, splits);
            if (wholeConsumed != expectedEnd) throw new InvalidOperationException($"ended after {wholeConsumed} bytes, expected {expectedEnd}");
            if (splitConsumed != expectedEnd) throw new InvalidOperationException($"split: ended after {splitConsumed} bytes, expected {expectedEnd}");
            if (!whole.AsSpan().SequenceEqual(split)) throw new InvalidOperationException("the split changed the stored form");
            if (whole.Contains((byte)'\r')) throw new InvalidOperationException("a CR reached the spool form");
        }, iter: iter, time: time, seed: seed, print: p => Show(p.Item1) + " split " + string.Join(",", p.Item2));

    /// <summary>Stuffing spool text as the smtp transport does, then reading it back as DATA, gives the text again.</summary>
    public static void UnstuffingUndoesStuffing(long iter = -1, int time = -1, string? seed = null)
        => Gen.Select(Gen.Frequency((4, Gen.OneOf((byte)'\n', (byte)'.')), (2, Gen.OneOf((byte)'a', (byte)' ')), (1, Gen.Byte)).Array[0, 120].Where(b => !b.Contains((byte)'\r')), Splits)
            .Sample((text, splits) =>
            {
                var stuffer = new DotStuffer();
                var wire = new byte[DotStuffer.MaxOutput(text.Length)];
                var n = stuffer.Convert(text, wire);
                byte[] stuffed = [.. wire.AsSpan(0, n), .. stuffer.Terminator];
                var (content, consumed) = DecodeInChunks(stuffed, splits);
                var expected = text.Length == 0 || text[^1] == (byte)'\n' ? text : [.. text, (byte)'\n'];
                if (consumed != stuffed.Length) throw new InvalidOperationException($"ended after {consumed} of {stuffed.Length} bytes");
                if (!content.AsSpan().SequenceEqual(expected)) throw new InvalidOperationException("got " + Show(content));
            }, iter: iter, time: time, seed: seed, print: p => Show(p.Item1));

    /// <summary>The command parser never throws, stays inside the line, and the loggable form of any line holds no control character.</summary>
    public static void CommandParserIsTotalAndLogTextIsPrintable(long iter = -1, int time = -1, string? seed = null)
        => Gen.Frequency(
                (3, Gen.Byte.Array[0, 80]),
                (2, Gen.Select(Gen.OneOf("MAIL FROM:", "RCPT TO:", "EHLO ", "helo", "DATA", "QUIT "), Gen.Byte.Array[0, 40])
                    .Select((verb, tail) => (byte[])[.. Encoding.ASCII.GetBytes(verb), .. tail])))
            .Sample(line =>
            {
                var command = SmtpCommandParser.Parse(line);
                if (command.ArgumentStart < 0 || command.ArgumentLength < 0 || command.ArgumentStart + command.ArgumentLength > line.Length)
                {
                    throw new InvalidOperationException($"argument {command.ArgumentStart}+{command.ArgumentLength} outside a line of {line.Length}");
                }
                if (command.HasNul != line.Contains((byte)0)) throw new InvalidOperationException("NUL flag wrong");
                CheckPrintable(ClientText.Printing(line));
                CheckPrintable(ClientText.Printing(command.Argument(line)));
            }, iter: iter, time: time, seed: seed, print: Show);

    /// <summary>Bytes with nothing to escape come back from the log text exactly (valid UTF-8 decoded, the rest surrogate-escaped).</summary>
    public static void LogTextEncodesBackToTheClientBytes(long iter = -1, int time = -1, string? seed = null)
        => Gen.Frequency((2, Gen.Byte[0x20, 0xFF]), (1, Gen.Byte)).Array[0, 60]
            .Sample(bytes =>
            {
                var text = ClientText.Printing(bytes);
                CheckPrintable(text);
                if (!text.Contains('\\', StringComparison.Ordinal) && !ClientText.GetBytes(text).AsSpan().SequenceEqual(bytes))
                {
                    throw new InvalidOperationException("encoded back differently: " + Show(ClientText.GetBytes(text)));
                }
            }, iter: iter, time: time, seed: seed, print: Show);

    /// <summary>Runs every property for about <paramref name="seconds"/> seconds each.</summary>
    public static void RunAll(int seconds)
    {
        DataEndsExactlyAtFirstCrLfDotCrLf(time: seconds);
        UnstuffingUndoesStuffing(time: seconds);
        CommandParserIsTotalAndLogTextIsPrintable(time: seconds);
        LogTextEncodesBackToTheClientBytes(time: seconds);
    }

    /// <summary>Where the message must end: just after the first CR LF . CR LF in CR LF + wire; the whole input if none.</summary>
    internal static int ExpectedEnd(byte[] wire)
    {
        byte[] prefixed = [(byte)'\r', (byte)'\n', .. wire];
        var at = prefixed.AsSpan().IndexOf("\r\n.\r\n"u8);
        return at < 0 ? wire.Length : at + 5 - 2;
    }

    /// <summary>Feeds <paramref name="wire"/> to a decoder in packets of the given sizes (the last repeated); the stored form and the bytes consumed up to the end.</summary>
    internal static (byte[] Content, int Consumed) DecodeInChunks(byte[] wire, int[] sizes)
    {
        var decoder = new DataDecoder();
        var content = new List<byte>();
        var offset = 0;
        for (var k = 0; offset < wire.Length && !decoder.Ended; k++)
        {
            var size = Math.Min(sizes[Math.Min(k, sizes.Length - 1)], wire.Length - offset);
            var input = wire.AsSpan(offset, size);
            var output = new byte[DataDecoder.MaxOutput(size)];
            decoder.Decode(input, output, out var consumed, out var written);
            content.AddRange(output.AsSpan(0, written));
            offset += consumed;
            if (consumed < size && !decoder.Ended) throw new InvalidOperationException("stopped early without an end");
        }
        return ([.. content], offset);
    }

    private static void CheckPrintable(string text)
    {
        foreach (var c in text)
        {
            if ((c < ' ' && c != '\t') || c is '\x7f' || c is >= '\x80' and <= '\x9f' or '\u2028' or '\u2029')
            {
                throw new InvalidOperationException($"control character U+{(int)c:X4} in log text \"{text}\"");
            }
        }
    }

    private static string Show(byte[] bytes) => Convert.ToHexString(bytes);
}
