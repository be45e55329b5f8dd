using Exim.Abstractions.Config;
using Exim.Abstractions.Routing;
using Exim.TestKit;

namespace Exim.Host.Tests.Redirect;

/// <summary>
/// The redirect router created through its driver and called as the core calls it: every item kind of Exim's redirection
/// lists, from an aliases file, from <c>data</c> and from a <c>.forward</c>-style <c>file</c>.
/// </summary>
public sealed class RedirectRouterTests : IDisposable
{
    private readonly TempDirectory _dir = new("redirect");

    public void Dispose() => _dir.Dispose();

    private IRouter Aliases(string text, params (string Key, object Value)[] options)
    {
        var path = _dir.Write("aliases", text);
        return RedirectRouterHost.Create(_dir.Path, [("aliases_file", path), .. options]);
    }

    private IRouter Data(string data, params (string Key, object Value)[] options) => RedirectRouterHost.Create(_dir.Path, [("data", data), .. options]);

    [Fact]
    public async Task AliasesFile_ListToTwoUsers_UnqualifiedQualifiedWithQualifyRecipient()
    {
        var router = Aliases("# comment\npostmaster: root\nstaff: alice, bob@other.test\n");

        var result = await router.RouteAsync("staff@mx.test");

        Assert.Equal(RouterVerdict.Redirect, result.Verdict);
        Assert.Equal(["alice@qualify.test", "bob@other.test"], result.Describe());
    }

    [Fact]
    public async Task AliasesFile_LsearchForms_CaselessKeyQuotedKeyContinuationsAndSpaceBeforeColon()
    {
        var router = Aliases("""
            Sales   :   carol,
               dave
            # a comment ends nothing here
            "odd key": erin
            other: frank
            # a comment line ends an entry
              grace
            """);

        Assert.Equal(["carol@qualify.test", "dave@qualify.test"], (await router.RouteAsync("SALES@mx.test")).Describe());
        Assert.Equal(["erin@qualify.test"], (await router.RouteAsync("\"odd key\"@mx.test")).Describe());
        Assert.Equal(["frank@qualify.test"], (await router.RouteAsync("other@mx.test")).Describe());
    }

    [Fact]
    public async Task FileNameVariables_AreSubstitutedOnce_AValueIsNeverExpandedAgain()
    {
        Directory.CreateDirectory(_dir.Combine("forward"));
        File.WriteAllText(_dir.Combine("forward", "$domain"), "literal@elsewhere.test\n");
        var router = RedirectRouterHost.Create(_dir.Path, ("file", _dir.Combine("forward", "$local_part")));

        // The local part "$domain" names the file called "$domain", not the one named after the domain.
        Assert.Equal(["literal@elsewhere.test"], (await router.RouteAsync("\"$domain\"@mx.test")).Describe());
    }

    [Fact]
    public async Task AnEmptyQuotedItem_IsIgnored_NotAnError()
    {
        var result = await Data("\"\", alice").RouteAsync("x@mx.test");

        Assert.Equal(RouterVerdict.Redirect, result.Verdict);
        Assert.Equal(["alice@qualify.test"], result.Describe());
    }

    [Fact]
    public async Task AliasesFile_MissingKey_Declines_AndTheFileIsReadAtEachRouting()
    {
        var router = Aliases("a: b\n");
        Assert.Equal(RouterVerdict.Decline, (await router.RouteAsync("nobody-here@mx.test")).Verdict);

        _dir.Write("aliases", "a: b\nnobody-here: c\n");

        Assert.Equal(["c@qualify.test"], (await router.RouteAsync("nobody-here@mx.test")).Describe());
    }

    [Fact]
    public async Task AliasesFile_Missing_Defers()
    {
        var router = RedirectRouterHost.Create(_dir.Path, ("aliases_file", "no-such-aliases"));

        var result = await router.RouteAsync("a@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.Equal($"failed to open {_dir.Combine("no-such-aliases")} for linear search: No such file or directory", result.Message);
    }

    [Fact]
    public async Task AFifoOrADevice_InsteadOfAFile_DefersAtOnce_NeverHangsTheRouter()
    {
        var fifo = _dir.Combine("fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            Assert.True(mkfifo.WaitForExit(TestTimeouts.Default) && mkfifo.ExitCode == 0, "mkfifo");
        }

        foreach (var (key, path) in new[] { ("aliases_file", fifo), ("file", fifo), ("file", "/dev/zero") })
        {
            var router = RedirectRouterHost.Create(_dir.Path, (key, path));
            var result = await Task.Run(async () => await router.RouteAsync("a@mx.test")).WaitAsync(TestTimeouts.Default);

            Assert.Equal(RouterVerdict.Defer, result.Verdict);
            Assert.Contains("is not a regular file", result.Message, StringComparison.Ordinal);
        }
        var include = await Task.Run(async () => await Data($":include:{fifo}").RouteAsync("a@mx.test")).WaitAsync(TestTimeouts.Default);
        Assert.Equal(RouterVerdict.Defer, include.Verdict);
        Assert.Contains("is not a regular file", include.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fail_WithAllowFail_FailsWithItsText()
    {
        var result = await Aliases("gone: :fail: No longer works here\n", ("allow_fail", true)).RouteAsync("gone@mx.test");

        Assert.Equal(RouterVerdict.Fail, result.Verdict);
        Assert.Equal("No longer works here", result.Message);
    }

    [Fact]
    public async Task Fail_WithoutText_ForcedRejection()
        => Assert.Equal("forced rejection", (await Data(":fail:", ("allow_fail", true)).RouteAsync("x@mx.test")).Message);

    [Fact]
    public async Task Fail_WithoutAllowFail_DefersAsNotPermitted()
    {
        var result = await Aliases("gone: :fail: No longer works here\n").RouteAsync("gone@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.Equal("error in redirect data: \":fail: No longer works here\" is not permitted", result.Message);
    }

    [Fact]
    public async Task Defer_WithAllowDefer_DefersWithItsText()
    {
        var result = await Aliases("later: :defer: mailbox being moved\n", ("allow_defer", true)).RouteAsync("later@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.Equal("mailbox being moved", result.Message);
    }

    [Fact]
    public async Task Blackhole_RedirectsToNothing_UnlessForbidden()
    {
        var result = await Aliases("devnull: :blackhole:\n").RouteAsync("devnull@mx.test");
        Assert.Equal(RouterVerdict.Redirect, result.Verdict);
        Assert.Empty(result.Children);

        var forbidden = await Aliases("devnull: :blackhole:\n", ("forbid_blackhole", true)).RouteAsync("devnull@mx.test");
        Assert.Equal(RouterVerdict.Defer, forbidden.Verdict);
        Assert.Equal("error in redirect data: \":blackhole:\" is not permitted", forbidden.Message);
    }

    [Fact]
    public async Task Unknown_IsIgnored_AloneItDeclines()
    {
        Assert.Equal(["a@qualify.test"], (await Data(":unknown:, a").RouteAsync("x@mx.test")).Describe());
        Assert.Equal(RouterVerdict.Decline, (await Data(":unknown:").RouteAsync("x@mx.test")).Verdict);
    }

    [Fact]
    public async Task Include_ReadsAListFile_NestedToo()
    {
        var inner = _dir.Write("inner.list", "carol\n");
        var list = _dir.Write("team.list", $"# the team\nalice, bob@other.test\n:include:{inner}\n");

        var result = await Aliases($"team: :include:{list}, zed\n").RouteAsync("team@mx.test");

        Assert.Equal(["alice@qualify.test", "bob@other.test", "carol@qualify.test", "zed@qualify.test"], result.Describe());
    }

    [Fact]
    public async Task Include_ThatIncludesItself_IsBounded_AndDefers()
    {
        var loop = _dir.Combine("loop.list");
        File.WriteAllText(loop, $"a, :include:{loop}\n");

        var result = await Data($":include:{loop}").RouteAsync("x@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.Equal($"error in redirect data: included file {loop}: :include: nested more than 10 deep", result.Message);
    }

    [Fact]
    public async Task Include_Missing_Defers_Forbidden_Defers_Relative_Defers()
    {
        var missing = _dir.Combine("missing.list");
        Assert.Equal($"error in redirect data: failed to open included file {missing}: No such file or directory",
            (await Data($":include:{missing}").RouteAsync("x@mx.test")).Message);
        Assert.Equal("error in redirect data: included files not permitted",
            (await Data($":include:{missing}", ("forbid_include", true)).RouteAsync("x@mx.test")).Message);
        Assert.Equal("error in redirect data: included file \"team.list\" is not an absolute path",
            (await Data(":include:team.list").RouteAsync("x@mx.test")).Message);
    }

    [Fact]
    public async Task Include_OutsideIncludeDirectory_Defers()
    {
        var outside = _dir.Write("team.list", "a\n");
        var result = await Data($":include:{outside}", ("include_directory", "/etc/exim-lists")).RouteAsync("x@mx.test");

        Assert.Equal($"error in redirect data: included file {outside} is not in directory /etc/exim-lists", result.Message);
    }

    [Fact]
    public async Task Pipe_WithPipeTransport_IsAChild_QuotedCommandKeepsItsSpaces()
    {
        var router = Aliases("""
            tickets: "|/usr/bin/ticket --queue \"support desk\"", |/usr/local/bin/log
            """, ("pipe_transport", "address_pipe"));

        var result = await router.RouteAsync("tickets@mx.test");

        Assert.Equal(["|/usr/bin/ticket --queue \"support desk\" T=address_pipe", "|/usr/local/bin/log T=address_pipe"], result.Describe());
    }

    [Fact]
    public async Task Pipe_WithoutPipeTransport_IsLeftToTheCore_Forbidden_FailsThatItemAlone()
    {
        // The core defers an item without a transport ("pipe_transport unset in aliases router"), that item alone.
        var unset = await Aliases("p: |/bin/cat\n").RouteAsync("p@mx.test");
        Assert.Equal(RouterVerdict.Redirect, unset.Verdict);
        Assert.Equal(["|/bin/cat T="], unset.Describe());

        var forbidden = await Aliases("p: alice, |/bin/cat\n", ("pipe_transport", "address_pipe"), ("forbid_pipe", true)).RouteAsync("p@mx.test");
        Assert.Equal(RouterVerdict.Redirect, forbidden.Verdict);
        Assert.Equal(["alice@qualify.test", "|/bin/cat T=address_pipe failed: delivery to pipe forbidden"], forbidden.Describe());
    }

    [Fact]
    public async Task File_AndDirectory_GoToTheirTransports_ForbiddenFailsThatItemAlone()
    {
        var router = Aliases("arch: /var/mail/archive, /var/mail/archive.d/\n", ("file_transport", "address_file"), ("directory_transport", "address_directory"));
        Assert.Equal(["/var/mail/archive T=address_file", "/var/mail/archive.d/ T=address_directory"], (await router.RouteAsync("arch@mx.test")).Describe());

        var forbidden = await Aliases("arch: /var/mail/archive, bob\n", ("file_transport", "address_file"), ("forbid_file", true)).RouteAsync("arch@mx.test");
        Assert.Equal(RouterVerdict.Redirect, forbidden.Verdict);
        Assert.Equal(["/var/mail/archive T=address_file failed: delivery to file forbidden", "bob@qualify.test"], forbidden.Describe());
    }

    [Fact]
    public async Task Addresses_CommentsRouteAddressesQuotedLocalParts_AndEmptyCommentItems()
    {
        var router = Data("(the boss) alice, Bob Smith <bob@other.test>, \"john doe\"@example.test, (just a comment), carol (old account)");

        var result = await router.RouteAsync("x@mx.test");

        Assert.Equal(["alice@qualify.test", "bob@other.test", "\"john doe\"@example.test", "carol@qualify.test"], result.Describe());
    }

    [Fact]
    public async Task SyntaxError_DefersWithTheItem()
    {
        var result = await Data("alice, bob smith@example.test").RouteAsync("x@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.Equal("error in redirect data: malformed address: smith@example.test may not follow bob in \"bob smith@example.test\"", result.Message);
    }

    [Fact]
    public async Task QualifyPreserveDomain_AndBackslash_UseTheIncomingDomain()
    {
        Assert.Equal(["a@mx.test"], (await Data("a", ("qualify_preserve_domain", true)).RouteAsync("x@mx.test")).Describe());
        Assert.Equal(["a@other.test"], (await Data("a", ("qualify_domain", "other.test")).RouteAsync("x@mx.test")).Describe());
        Assert.Equal(["x@mx.test", "b@qualify.test"], (await Data("\\x, b").RouteAsync("x@mx.test")).Describe());
    }

    [Fact]
    public async Task CheckAncestor_AChildEqualToAnAncestor_IsReplacedByTheAddressItself()
    {
        // Exim's case: a is aliased to b, and b's .forward points back to a.
        var router = Data("A@mx.test, c@mx.test", ("check_ancestor", true));

        var result = await router.RouteAsync("b@mx.test", new RoutedAncestor("a@mx.test", "system_aliases"));

        Assert.Equal(["b@mx.test", "c@mx.test"], result.Describe());
        var unchecked_ = await Data("A@mx.test").RouteAsync("b@mx.test", new RoutedAncestor("a@mx.test", "system_aliases"));
        Assert.Equal(["A@mx.test"], unchecked_.Describe());
    }

    [Fact]
    public async Task EmptyData_Declines()
        => Assert.Equal(RouterVerdict.Decline, (await Data("  # nothing\n").RouteAsync("x@mx.test")).Verdict);

    [Fact]
    public async Task File_PerLocalPart_ReadWhenRouting_MissingDeclines_MissingDirectoryDefers()
    {
        var router = RedirectRouterHost.Create(_dir.Path, ("file", _dir.Combine("forward", "$local_part")));
        Directory.CreateDirectory(_dir.Combine("forward"));

        Assert.Equal(RouterVerdict.Decline, (await router.RouteAsync("joe@mx.test")).Verdict);
        File.WriteAllText(_dir.Combine("forward", "joe"), "joe@elsewhere.test\n");
        Assert.Equal(["joe@elsewhere.test"], (await router.RouteAsync("joe@mx.test")).Describe());

        var noDirectory = await RedirectRouterHost.Create(_dir.Path, ("file", _dir.Combine("none", "$local_part"))).RouteAsync("joe@mx.test");
        Assert.Equal(RouterVerdict.Defer, noDirectory.Verdict);
        Assert.Equal($"failed to stat {_dir.Combine("none")}/. (No such file or directory)", noDirectory.Message);
    }

    [Fact]
    public async Task File_ALocalPartThatLeavesTheDirectory_Defers()
    {
        var router = RedirectRouterHost.Create(_dir.Path, ("file", _dir.Combine("$local_part")));

        var result = await router.RouteAsync("\"../etc\"@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.StartsWith("Tainted name", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task File_SyntaxErrorIsAnErrorInRedirectFile()
    {
        var path = _dir.Write("list", "a b\n");
        var result = await RedirectRouterHost.Create(_dir.Path, ("file", path)).RouteAsync("x@mx.test");

        Assert.Equal("error in redirect file: malformed address: b may not follow a in \"a b\"", result.Message);
    }

    [Fact]
    public async Task File_WorldWritable_DefersWithEximsBadMode()
    {
        var path = _dir.Write("list", "a\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherWrite | UnixFileMode.OtherRead);

        var result = await RedirectRouterHost.Create(_dir.Path, ("file", path)).RouteAsync("x@mx.test");

        Assert.Equal(RouterVerdict.Defer, result.Verdict);
        Assert.Equal($"bad mode (0100606) for {path}: 02 bit(s) unexpected", result.Message);
    }

    [Fact]
    public async Task File_Owners_AFileOwnedBySomeoneElse_DefersWithBadOwner()
    {
        var path = _dir.Write("list", "a\n");
        var mine = await RedirectRouterHost.Create(_dir.Path, ("file", path), ("owners", "root")).RouteAsync("x@mx.test");
        var theirs = await RedirectRouterHost.Create(_dir.Path, ("file", path), ("owners", "nobody")).RouteAsync("x@mx.test");

        Assert.Equal(["a@qualify.test"], mine.Describe());
        Assert.Equal(RouterVerdict.Defer, theirs.Verdict);
        Assert.Equal($"bad owner for {path}", theirs.Message);
    }

    [Fact]
    public async Task File_TooBig_Defers()
    {
        var path = _dir.Write("list", new string('#', 1024 * 1024 + 1));

        var result = await RedirectRouterHost.Create(_dir.Path, ("file", path)).RouteAsync("x@mx.test");

        Assert.Equal($"{path} is too big (max 1048576)", result.Message);
    }

    [Fact]
    public async Task CheckLocalUser_UnknownUserDeclines_KnownUserGivesHome_AndTheFileMustBeTheirs()
    {
        // $home is root's /root, put under the temporary directory so that nothing is written to the real home.
        var forward = _dir.Write("root/.forward", "root@elsewhere.test\n");
        var router = RedirectRouterHost.Create(_dir.Path, ("file", _dir.Path + "$home/.forward"), ("check_local_user", true));

        Assert.Equal(RouterVerdict.Decline, (await router.RouteAsync($"no-such-user-{Guid.NewGuid():N}"[..30] + "@mx.test")).Verdict);
        Assert.Equal(["root@elsewhere.test"], (await router.RouteAsync("root@mx.test")).Describe());

        // A user's file is read by the Exim user, not the user: :include: is forbidden there (no include_directory given).
        File.WriteAllText(forward, ":include:/etc/passwd\n");
        var include = await router.RouteAsync("root@mx.test");
        Assert.NotEqual(RouterVerdict.Redirect, include.Verdict);
        File.WriteAllText(forward, "root@elsewhere.test\n");

        // check_owner is on by default with check_local_user: a .forward root does not own (here: nobody's) is refused.
        using (var chown = System.Diagnostics.Process.Start("chown", ["65534:65534", forward]))
        {
            Assert.True(chown.WaitForExit(TestTimeouts.Default) && chown.ExitCode == 0, "chown");
        }
        var notTheirs = await router.RouteAsync("root@mx.test");
        Assert.Equal(RouterVerdict.Defer, notTheirs.Verdict);
        Assert.Equal($"bad owner for {forward}", notTheirs.Message);
    }

    [Theory]
    [InlineData("", "invalid value for \"data\" in routers \"aliases\": one of \"file\", \"data\" or \"aliases_file\" must be specified")]
    [InlineData("both", "invalid value for \"file\" in routers \"aliases\": only one of \"file\", \"data\" or \"aliases_file\" must be specified")]
    [InlineData("qualify", "invalid value for \"qualify_domain\" in routers \"aliases\": only one of \"qualify_domain\" or \"qualify_preserve_domain\" must be set")]
    [InlineData("home", "invalid value for \"file\" in routers \"aliases\": uses $home, which is only known with check_local_user = true")]
    [InlineData("modemask", "invalid value for \"modemask\" in routers \"aliases\": \"9\" is not an octal number")]
    [InlineData("userpipe", "invalid value for \"pipe_transport\" in routers \"aliases\": cannot be set with check_local_user = true")]
    [InlineData("userfile", "invalid value for \"directory_transport\" in routers \"aliases\": cannot be set with check_local_user = true")]
    public void Config_Errors_NameTheOption(string which, string message)
    {
        (string, object)[] options = which switch
        {
            "both" => [("data", "a"), ("file", "/x")],
            "qualify" => [("data", "a"), ("qualify_domain", "q.test"), ("qualify_preserve_domain", true)],
            "home" => [("file", "$home/.forward")],
            "modemask" => [("data", "a"), ("modemask", "9")],
            "userpipe" => [("file", "$home/.forward"), ("check_local_user", true), ("pipe_transport", "address_pipe")],
            "userfile" => [("file", "$home/.forward"), ("check_local_user", true), ("directory_transport", "address_directory")],
            _ => [],
        };

        var e = Assert.Throws<EximConfigException>(() => RedirectRouterHost.Create(_dir.Path, options));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
