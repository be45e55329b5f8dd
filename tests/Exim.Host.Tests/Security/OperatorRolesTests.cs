using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Host.Security;
using Exim.Mail.Native;

namespace Exim.Host.Tests.Security;

public sealed class OperatorRolesTests
{
    private static ConfigDiagnostic At(string key, string message) => new("exim.toml", 7, 1, message);

    [Fact]
    public void Accounts_and_groups_resolve_by_name_and_number_through_nss()
    {
        var nobody = UnixAccount.Find("nobody");
        Assert.NotNull(nobody);
        Assert.Equal(65534, nobody.Uid);
        Assert.Equal("nobody", UnixAccount.Find("65534")?.Name);
        Assert.Equal("root", UnixAccount.Find(0)?.Name);
        Assert.Null(UnixAccount.Find("no-such-user-here"));
        Assert.Equal(8, UnixGroup.Find("mail")?.Gid);
        Assert.Equal("mail", UnixGroup.Find(8)?.Name);
        Assert.Null(UnixGroup.Find("no-such-group-here"));
        Assert.Contains(0, UnixAccount.Find(0)!.Groups());
    }

    [Fact]
    public void Admin_and_trusted_follow_exim_user_and_the_group_lists()
    {
        var roles = OperatorRoles.From(new MainOptions { EximUser = "nobody", AdminGroups = ["mail"], TrustedUsers = ["daemon"] }, At);
        Assert.Equal(65534, roles.EximUid);
        Assert.Equal(65534, roles.EximGid);
        var stranger = new CallerIdentity(4242, 4242, [4242], "4242");
        Assert.False(roles.IsAdmin(stranger));
        Assert.False(roles.IsTrusted(stranger));
        Assert.True(roles.IsAdmin(stranger with { Groups = [4242, 8] }));
        Assert.True(roles.IsAdmin(new CallerIdentity(0, 0, [0], "root")));
        Assert.True(roles.IsAdmin(new CallerIdentity(65534, 65534, [65534], "nobody")));
        Assert.True(roles.IsTrusted(new CallerIdentity(UnixAccount.Find("daemon")!.Uid, 1, [1], "daemon")));
        Assert.False(roles.IsTrusted(stranger with { Groups = [4242, 8] }));
    }

    [Fact]
    public void An_unknown_user_or_group_is_a_config_error_at_its_option()
    {
        var e = Assert.Throws<EximConfigException>(() => OperatorRoles.From(new MainOptions { EximUser = "no-such-user-here" }, At));
        Assert.Equal("exim.toml:7:1: exim_user: no such user \"no-such-user-here\"", e.Diagnostic.ToString());
        e = Assert.Throws<EximConfigException>(() => OperatorRoles.From(new MainOptions { AdminGroups = ["mail", "no-such-group-here"] }, At));
        Assert.Contains("admin_groups: no such group \"no-such-group-here\"", e.Diagnostic.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Peer_credentials_name_the_connecting_process()
    {
        var path = Path.Combine(Path.GetTempPath(), $"peer-{Guid.NewGuid():N}.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(path)).WaitAsync(TimeSpan.FromSeconds(10));
            using var server = await listener.AcceptAsync().WaitAsync(TimeSpan.FromSeconds(10));
            var peer = Posix.PeerCredentialsOf(server);
            Assert.Equal(Environment.ProcessId, peer.Pid);
            Assert.Equal(Posix.EffectiveUid, peer.Uid);
            var caller = CallerIdentity.Of(peer);
            Assert.Equal(UnixAccount.Find(peer.Uid)?.Name, caller.UserName);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
