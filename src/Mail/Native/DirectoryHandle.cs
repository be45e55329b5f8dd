namespace Exim.Mail.Native;

/// <summary>An open directory descriptor (from <see cref="Posix.OpenDirectoryNoFollow"/>), closed on dispose.</summary>
internal sealed class DirectoryHandle(int fd) : IDisposable
{
    public int Fd { get; private set; } = fd;

    public void Dispose()
    {
        if (Fd >= 0) Posix.CloseDescriptor(Fd);
        Fd = -1;
    }
}
