namespace Exim.Host.Lifetime;

/// <summary>
/// What <see cref="MappedFilePages.Release"/> did: how many file mappings it advised, how many resident bytes it asked
/// the kernel to page out, and how far the process's resident file pages fell (-1 when /proc/self/statm was unreadable);
/// or, when <see cref="Supported"/> is false, why it did nothing.
/// </summary>
internal readonly record struct MappedFilePagesResult(bool Supported, string? Reason, long Mappings, long BytesAdvised, long BytesReleased)
{
    public static MappedFilePagesResult Unsupported(string reason) => new(false, reason, 0, 0, 0);
}
