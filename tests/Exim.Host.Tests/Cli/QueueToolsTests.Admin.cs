using Exim.TestKit;

namespace Exim.Host.Tests.Cli;

/// <summary>
/// Exim's admin-user checks on the queue tools, run by our binary as <c>nobody</c> (setpriv) against a spool opened up so
/// that nobody can read and change it: each refusal seen is Exim's check, not a filesystem EACCES; a member of
/// <c>admin_groups</c> is served; a non-admin may remove the messages it sent.
/// </summary>
public sealed partial class QueueToolsTests
{
    private const int Nobody = NobodyProcess.Uid;
    private const int UsersGid = 100;

    [Fact]
    public async Task AdminChecks_RefuseANonAdminAsExim_ServeAnAdminGroupMember_AndLetASenderRemoveItsOwnMessage()
    {
        var id = await SendAsync("alice@test.example", "x@defer.example");
        var own = await SendAsync("nobody@test.example", "y@defer.example");
        // The -H file's "login uid gid" line says who sent a message: make this one nobody's, as a local submission by nobody would be.
        var ownHeader = Path.Combine(_d.InputDirectory, own + "-H");
        var lines = File.ReadAllLines(ownHeader);
        lines[1] = $"nobody {Nobody} {Nobody}";
        File.WriteAllText(ownHeader, string.Join('\n', lines) + "\n");
        NobodyProcess.OpenUp(_d.Directory.Path);
        var adminConfig = _d.Directory.Write("admin.toml", "admin_groups = [\"users\"]\n" + File.ReadAllText(_d.ConfigPath));
        NobodyProcess.OpenUp(_d.Directory.Path);

        // Nobody can read everything (the admin-group member below lists it with the same permissions), yet is refused.
        Assert.Equal((1, "", "exim: permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-bp"));
        Assert.Equal((1, "", "exim: permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-bpc"));
        Assert.Equal((1, "", "exim: permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-q"));
        Assert.Equal((1, "", "exim: permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-R", "x@"));
        Assert.Equal((1, "", "exim: permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-Mg", id));
        Assert.Equal((1, "", "exim: permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-MG", "bulk", id));
        Assert.Equal((1, "", "exim: Permission denied\n"), await AsNobodyAsync(_d.ConfigPath, [], "-M", id));
        Assert.Equal((1, "Permission denied\n", ""), await AsNobodyAsync(_d.ConfigPath, [], "-Mvh", id));
        Assert.Equal((1, "Permission denied\n", ""), await AsNobodyAsync(_d.ConfigPath, [], "-Mvl", id));
        Assert.Equal((1, "Permission denied\n", ""), await AsNobodyAsync(_d.ConfigPath, [], "-Mf", id));
        Assert.Equal((1, "Permission denied\n", ""), await AsNobodyAsync(_d.ConfigPath, [], "-Mar", id, "z@test.example"));
        Assert.Equal((1, "Permission denied\n", ""), await AsNobodyAsync(_d.ConfigPath, [], "-Mrm", id)); // not nobody's message
        Assert.True(File.Exists(Path.Combine(_d.InputDirectory, id + "-H")));
        Assert.Equal(0, _defer.Connections);
        Assert.Equal(0, _d.CountLog("frozen by") + _d.CountLog("added by") + _d.CountLog("cancelled by"));

        // Its own message, nobody may remove.
        Assert.Equal((0, $"Message {own} has been removed\n", ""), await AsNobodyAsync(_d.ConfigPath, [], "-Mrm", own));
        Assert.Equal(1, _d.CountLog($"{own} removed by nobody"));

        // A member of admin_groups is an admin user.
        var listed = await AsNobodyAsync(adminConfig, [UsersGid], "-bp");
        Assert.Equal(0, listed.Code);
        Assert.Matches(Listing((id, "alice@test.example", ["          x@defer.example"])), listed.Stdout);
        Assert.Equal((0, File.ReadAllText(MessageLogPath(id)), ""), await AsNobodyAsync(adminConfig, [UsersGid], "-Mvl", id));
        Assert.Equal((0, $"Message {id} is now frozen\n", ""), await AsNobodyAsync(adminConfig, [UsersGid], "-Mf", id));
        Assert.Equal(1, _d.CountLog($"{id} frozen by nobody"));
    }

    private Task<(int Code, string Stdout, string Stderr)> AsNobodyAsync(string config, int[] groups, params string[] args)
        => NobodyProcess.RunEximAsync(_d.Directory.Path, groups, ["-C", config, .. args]);
}
