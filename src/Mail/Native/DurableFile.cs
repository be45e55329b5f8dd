namespace Exim.Mail.Native;

/// <summary>Replaces a file so a crash leaves the old or the new content: temporary file, fsync, rename, directory fsync.</summary>
internal static class DurableFile
{
    /// <summary>Writes <paramref name="content"/> to <c>path.tmp</c> and renames it over <paramref name="path"/>; the caller serialises writers.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.Create,
            Access = FileAccess.Write,
            BufferSize = 0,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        Posix.FsyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
