namespace Exim.Mail.Spool;

/// <summary>
/// Exim 4.96's 16-character message id, <c>tttttt-pppppp-ss</c> in base 62: seconds, a process-unique part,
/// and the fraction of the second in 500 µs steps, so Exim's log tools parse our logs. Exim puts the pid in
/// the middle part; one daemon here receives many messages per 500 µs, so it holds pid bits and a counter.
/// </summary>
internal static class MessageId
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly long ProcessBits = (Environment.ProcessId & 0x7FFFFL) << 16;
    private static long _counter;

    public const int Length = 16;

    public static string Next(TimeProvider time)
    {
        var now = time.GetUtcNow();
        var seconds = now.ToUnixTimeSeconds();
        var fraction = (int)(now.Ticks % TimeSpan.TicksPerSecond / (TimeSpan.TicksPerMillisecond / 2));
        var middle = ProcessBits | (Interlocked.Increment(ref _counter) & 0xFFFF);
        return string.Create(Length, (seconds, middle, fraction), static (span, s) =>
        {
            Encode(span[..6], s.seconds);
            span[6] = '-';
            Encode(span[7..13], s.middle);
            span[13] = '-';
            Encode(span[14..], s.fraction);
        });
    }

    public static bool IsValid(ReadOnlySpan<char> id)
        => id.Length == Length && id[6] == '-' && id[13] == '-' && IsBase62(id[..6]) && IsBase62(id[7..13]) && IsBase62(id[14..]);

    /// <summary>The time a valid id was made, to the second (its first six base-62 digits).</summary>
    public static DateTimeOffset Time(ReadOnlySpan<char> id)
    {
        long seconds = 0;
        foreach (var c in id[..6]) seconds = seconds * 62 + Digits.IndexOf(c, StringComparison.Ordinal);
        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }

    private static bool IsBase62(ReadOnlySpan<char> s)
    {
        foreach (var c in s) if (!char.IsAsciiLetterOrDigit(c)) return false;
        return true;
    }

    private static void Encode(Span<char> target, long value)
    {
        var v = (ulong)value;
        for (var i = target.Length - 1; i >= 0; i--)
        {
            target[i] = Digits[(int)(v % 62)];
            v /= 62;
        }
    }
}
