using System.IO.MemoryMappedFiles;
using Exim.Host.Lifetime;

namespace Exim.Host.Tests.Lifetime;

public sealed partial class MappedFilePagesTests
{
    private const ulong Present = 1UL << 63;
    private const ulong File_ = 1UL << 61;

    [Fact]
    public void FilePageRuns_AreTheResidentFileBackedPages_NotCopiesOrAbsentOnes()
    {
        ulong[] entries = [Present | File_, Present | File_, Present /* a copy-on-write copy */, 0, File_ /* not resident */, Present | File_];

        var runs = MappedFilePages.FilePageRuns(entries);

        Assert.Equal([(0, 2), (5, 1)], runs);
        Assert.Empty(MappedFilePages.FilePageRuns([]));
        Assert.Equal([(0, 3)], MappedFilePages.FilePageRuns([Present | File_, Present | File_, Present | File_]));
    }

    [Theory]
    [InlineData("7f06cba60000-7f06d06cc000 r-xp 00000000 fe:00 16008096                   /usr/lib/exim/exim.r2r.dll", true)]
    [InlineData("7f06d06eb000-7f06d2d28000 rw-p 04c6b000 fe:00 16008096                   /usr/lib/exim/exim.r2r.dll", true)]
    [InlineData("7f06c8600000-7f06c8b3a000 r--s 00000000 fe:00 16008009                   /usr/lib/exim/System.Private.CoreLib.dll", true)]
    [InlineData("7f0748000000-7f0748021000 rw-s 00000000 fe:00 1234                       /var/spool/exim/db/retry-shm", false)]
    [InlineData("7f0748000000-7f0748021000 r-xs 00000000 00:01 2052                       /memfd:doublemapper (deleted)", false)]
    [InlineData("7f0748000000-7f0748021000 rw-p 00000000 00:00 0                          [heap]", false)]
    [InlineData("7f0748000000-7f0748021000 rw-p 00000000 00:00 0", false)]
    [InlineData("7f0748000000-7f0748021000 r--p 00000000 fe:00 99                         /usr/lib/exim/old.dll (deleted)", false)]
    [InlineData("7f0748000000-7f0748021000 rw-s 00000000 00:05 7                          /dev/zero", false)]
    public void OnlyMappedFilesThatPageOutCanDrop_AreAdvised(string line, bool advised)
    {
        Assert.Equal(advised, MappedFilePages.TryParseFileMapping(line, out var start, out var end));
        if (advised) Assert.True(end > start && start > 0);
    }

    [Fact]
    public void Release_DropsAMappedFilesResidentPages_LaterFaultsMapOnlyTheirOwnPage_AndTheContentIsIntact()
    {
        Assert.True(OperatingSystem.IsLinux(), "the daemon's page release is Linux's madvise");
        const int size = 16 << 20;
        var path = Path.Combine(AppContext.BaseDirectory, $"mapped-pages-{Guid.NewGuid():N}.bin");
        var content = new byte[size];
        new Random(15).NextBytes(content);
        try
        {
            using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                file.Write(content);
                file.Flush(flushToDisk: true); // clean pages, as an installed image's are
            }
            using var mapped = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
            using var view = mapped.CreateViewAccessor(0, size, MemoryMappedFileAccess.Read);
            for (var offset = 0; offset < size; offset += 4096) Assert.Equal(content[offset], view.ReadByte(offset));
            var touched = ResidentKiB(path);
            Assert.True(touched >= 15 * 1024, $"{touched} KiB resident after reading every page");

            var result = MappedFilePages.Release();

            Assert.True(result.Supported, result.Reason);
            Assert.True(result.BytesAdvised >= size, $"{result.BytesAdvised} bytes advised");
            var released = ResidentKiB(path);
            Assert.True(released <= 1024, $"{released} KiB still resident after the release (was {touched})");

            // One byte every 256 KiB: without the advice each fault would map up to 64 KiB of cached file around it.
            const int stride = 256 << 10;
            for (var offset = stride / 2; offset < size; offset += stride) Assert.Equal(content[offset], view.ReadByte(offset));
            var refaulted = ResidentKiB(path) - released;
            Assert.True(refaulted <= size / stride * 8, $"{refaulted} KiB resident after {size / stride} single-byte reads");
            for (var offset = 0; offset < size; offset += 4093) Assert.Equal(content[offset], view.ReadByte(offset));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The resident KiB of this process's mappings of <paramref name="path"/>, from /proc/self/smaps.</summary>
    private static long ResidentKiB(string path)
    {
        long total = 0;
        var inMapping = false;
        foreach (var line in File.ReadLines("/proc/self/smaps"))
        {
            if (MappingHeader().IsMatch(line))
                inMapping = line.EndsWith(" " + path, StringComparison.Ordinal);
            else if (inMapping && line.StartsWith("Rss:", StringComparison.Ordinal))
                total += long.Parse(line.AsSpan(4).Trim().TrimEnd(" kB"), System.Globalization.CultureInfo.InvariantCulture);
        }
        return total;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-f]+-[0-9a-f]+ ")]
    private static partial System.Text.RegularExpressions.Regex MappingHeader();
}
