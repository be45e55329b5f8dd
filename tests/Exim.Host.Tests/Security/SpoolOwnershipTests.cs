using Exim.Abstractions.Config;
using Exim.Host.Security;
using Exim.Mail.Native;

namespace Exim.Host.Tests.Security;

/// <summary>
/// The chown the daemon does as root before it drops: it must give the Exim user the spool and root's leftovers in it,
/// and nothing that user could redirect it to with a symbolic or hard link (runs as root, as CI does).
/// </summary>
public sealed class SpoolOwnershipTests : IDisposable
{
    private static readonly EximIdentity Nobody = new("nobody", 65534, 65534, "nogroup");
    private readonly string _root = Directory.CreateTempSubdirectory("spool-owner-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void RootLeftoversAreGiven_ButLinksAndForeignDirectoriesAreNot()
    {
        Assert.True(Posix.EffectiveUid == 0, "this test changes owners and must run as root (CI does)");
        var spool = Path.Combine(_root, "spool");
        var outside = Directory.CreateDirectory(Path.Combine(_root, "etc")).FullName;
        var secret = Path.Combine(outside, "shadow");
        File.WriteAllText(secret, "root:x");
        Directory.CreateDirectory(Path.Combine(spool, "db"));
        Directory.CreateDirectory(Path.Combine(spool, "hold", "input"));
        File.WriteAllText(Path.Combine(spool, "db", "hints.sqlite"), "");
        File.WriteAllText(Path.Combine(spool, "hold", "input", "1abcde-000000-0000-H"), "");
        File.CreateSymbolicLink(Path.Combine(spool, "db", "link"), secret);
        Posix.Link(secret, Path.Combine(spool, "db", "hardlink"));
        var logs = Directory.CreateDirectory(Path.Combine(_root, "varlog")).FullName; // an existing, shared log directory
        File.WriteAllText(Path.Combine(logs, "exim-main.log"), "");
        File.WriteAllText(Path.Combine(logs, "other.log"), "");

        var error = SpoolOwnership.Prepare(new MainOptions { SpoolDirectory = spool, LogFilePath = Path.Combine(logs, "exim-%s.log") }, Nobody);

        Assert.Null(error);
        foreach (var mine in new[] { spool, Path.Combine(spool, "input"), Path.Combine(spool, "msglog"), Path.Combine(spool, "db"),
            Path.Combine(spool, "db", "hints.sqlite"), Path.Combine(spool, "hold"), Path.Combine(spool, "hold", "input"),
            Path.Combine(spool, "hold", "input", "1abcde-000000-0000-H"), Path.Combine(logs, "exim-main.log") })
        {
            Assert.True(Posix.OwnerOf(mine) == (65534, 65534), mine);
        }
        Assert.Equal((0, 0), Posix.OwnerOf(secret)); // neither through the symbolic link nor the hard link
        Assert.Equal((0, 0), Posix.OwnerOf(Path.Combine(spool, "db", "link")));
        Assert.Equal((0, 0), Posix.OwnerOf(logs));
        Assert.Equal((0, 0), Posix.OwnerOf(Path.Combine(logs, "other.log")));
    }

    [Fact]
    public void SplitSubdirectoriesMadeByRoot_AreGivenWithTheirMessages_ButALinkInTheirPlaceIsNot()
    {
        Assert.True(Posix.EffectiveUid == 0, "this test changes owners and must run as root (CI does)");
        var spool = Path.Combine(_root, "spool");
        var outside = Directory.CreateDirectory(Path.Combine(_root, "etc")).FullName;
        // What a message received as root with split_spool_directory leaves: input/X and msglog/X, in the default
        // queue and in a named one.
        foreach (var queue in new[] { spool, Path.Combine(spool, "hold") })
        {
            Directory.CreateDirectory(Path.Combine(queue, "input", "e"));
            Directory.CreateDirectory(Path.Combine(queue, "msglog", "e"));
            File.WriteAllText(Path.Combine(queue, "input", "e", "1abcde-000000-0000-H"), "");
            File.WriteAllText(Path.Combine(queue, "msglog", "e", "1abcde-000000-0000"), "");
        }
        Directory.CreateSymbolicLink(Path.Combine(spool, "input", "f"), outside);

        var error = SpoolOwnership.Prepare(new MainOptions { SpoolDirectory = spool }, Nobody);

        Assert.Null(error);
        foreach (var queue in new[] { spool, Path.Combine(spool, "hold") })
        {
            foreach (var mine in new[] { Path.Combine(queue, "input", "e"), Path.Combine(queue, "msglog", "e"),
                Path.Combine(queue, "input", "e", "1abcde-000000-0000-H"), Path.Combine(queue, "msglog", "e", "1abcde-000000-0000") })
            {
                Assert.True(Posix.OwnerOf(mine) == (65534, 65534), mine);
            }
        }
        Assert.Equal((0, 0), Posix.OwnerOf(outside));
    }

    [Fact]
    public void ASpoolDirectoryReplacedByASymbolicLink_StopsStartUp_AndChangesNothingItNames()
    {
        Assert.True(Posix.EffectiveUid == 0, "this test changes owners and must run as root (CI does)");
        var spool = Directory.CreateDirectory(Path.Combine(_root, "spool")).FullName;
        var outside = Directory.CreateDirectory(Path.Combine(_root, "etc")).FullName;
        File.WriteAllText(Path.Combine(outside, "shadow"), "root:x");
        Directory.CreateSymbolicLink(Path.Combine(spool, "msglog"), outside);

        var error = SpoolOwnership.Prepare(new MainOptions { SpoolDirectory = spool }, Nobody);

        Assert.NotNull(error);
        Assert.Contains("msglog", error, StringComparison.Ordinal);
        Assert.Equal((0, 0), Posix.OwnerOf(outside));
        Assert.Equal((0, 0), Posix.OwnerOf(Path.Combine(outside, "shadow")));
    }
}
