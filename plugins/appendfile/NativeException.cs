namespace Exim.Plugins.Appendfile;

/// <summary>A failed system call, with its errno.</summary>
internal sealed class NativeException(int errno) : IOException(Native.Describe(errno))
{
    public int Errno => errno;
}
