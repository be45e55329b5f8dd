namespace Exim.Plugins.Appendfile;

/// <summary>What stat(2) says of a file: type and permission bits, owner, link count, inode and size.</summary>
internal readonly record struct FileStatus(uint Mode, uint Uid, uint Links, ulong Inode, long Size)
{
    public const uint TypeMask = 0xF000, Regular = 0x8000, SymbolicLink = 0xA000, Directory = 0x4000;

    public uint Type => Mode & TypeMask;

    /// <summary>The permission bits (07777).</summary>
    public uint Permissions => Mode & 0xFFF;
}
