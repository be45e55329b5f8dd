namespace Exim.Host.Slots;

/// <summary>Exim's base-62 digits (0-9, A-Z, a-z), fixed width.</summary>
internal static class Base62
{
    private const string Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string Encode(long value, int width)
    {
        Span<char> buffer = stackalloc char[width];
        var v = (ulong)value;
        for (var i = width - 1; i >= 0; i--)
        {
            buffer[i] = Digits[(int)(v % 62)];
            v /= 62;
        }
        return new string(buffer);
    }
}
