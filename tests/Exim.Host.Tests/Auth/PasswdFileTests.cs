using Exim.Abstractions.Config;
using Exim.Plugins.PasswdFileAuth;
using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>The passwd_file driver's file: the forms operators have are read, anything that is not bcrypt is refused with its place.</summary>
public sealed class PasswdFileTests : IDisposable
{
    private readonly TempDirectory _dir = new("exim-passwd");

    public void Dispose() => _dir.Dispose();

    private ConfigDiagnostic Refused(string text)
    {
        var path = _dir.Write("passwd", text);
        return Assert.Throws<EximConfigException>(() => PasswdFile.Load(path)).Diagnostic;
    }

    [Fact]
    public void DovecotAndHtpasswdForms_AreRead_AndChecked()
    {
        var file = PasswdFile.Load(_dir.Write("passwd", AuthFiles.Text));

        Assert.Equal(2, file.Count);
        Assert.True(file.Verify("alice", AuthFiles.AlicePassword));
        Assert.True(file.Verify("bob", AuthFiles.BobPassword));
        Assert.False(file.Verify("alice", AuthFiles.BobPassword));
        Assert.False(file.Verify("Alice", AuthFiles.AlicePassword));
        Assert.False(file.Verify("carol", AuthFiles.AlicePassword));
    }

    [Fact]
    public void UnknownUsers_AreCheckedAgainstADummyHashOfTheFilesCost()
    {
        var hash = BCrypt.Net.BCrypt.HashPassword("x", 6);
        var file = PasswdFile.Load(_dir.Write("passwd", $"carol:{hash}\ndave:{BCrypt.Net.BCrypt.HashPassword("y", 4)}\n"));

        // Same cost as the dearest real entry: an unknown user costs a verification as long as a known one's.
        Assert.StartsWith("$2a$06$", file.DummyHash, StringComparison.Ordinal);
        Assert.False(file.Verify("nobody", "x"));
    }

    [Fact]
    public void PlainText_IsRefusedWithItsLine()
    {
        var d = Refused("# users\nalice:{BLF-CRYPT}" + BCrypt.Net.BCrypt.HashPassword("a", 4) + "\nbob:secret\n");

        Assert.Equal((_dir.Combine("passwd"), 3), (d.File, d.Line));
        Assert.Contains("user \"bob\": not a bcrypt hash", d.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bob:{PLAIN}secret", "password scheme {PLAIN} is not accepted")]
    [InlineData("bob:{SHA512-CRYPT}$6$abc$def", "password scheme {SHA512-CRYPT} is not accepted")]
    [InlineData("bob:$6$salt$hashhashhash", "not a bcrypt hash")]
    [InlineData("bob:$2y$03$abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0", "not a bcrypt hash")]
    [InlineData("just-a-name", "expected user:hash")]
    public void OtherSchemes_AreRefused(string line, string message)
    {
        var d = Refused(line + "\n");

        Assert.Equal(1, d.Line);
        Assert.Contains(message, d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AUserTwice_IsRefused()
    {
        var hash = BCrypt.Net.BCrypt.HashPassword("a", 4);

        var d = Refused($"alice:{hash}\nalice:{{BLF-CRYPT}}{hash}\n");

        Assert.Equal(2, d.Line);
        Assert.Contains("user \"alice\" is listed twice", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFile_IsAConfigurationError()
    {
        var d = Assert.Throws<EximConfigException>(() => PasswdFile.Load(_dir.Combine("none"))).Diagnostic;

        Assert.Contains("cannot read password file", d.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void CostAbove14_IsRefusedWithItsLine_AndWhy()
    {
        // Written, not made: a cost-15 hash would take seconds to make. Only its form is read at load.
        var dear = BCrypt.Net.BCrypt.HashPassword("x", 4).Replace("$2a$04$", "$2a$15$", StringComparison.Ordinal);

        var d = Refused($"# users\nalice:{BCrypt.Net.BCrypt.HashPassword("a", 4)}\ncarol:{{BLF-CRYPT}}{dear}\n");

        Assert.Equal(3, d.Line);
        Assert.Contains("user \"carol\": bcrypt cost 15 is above 14", d.Message, StringComparison.Ordinal);
        Assert.Contains("verification slot", d.Message, StringComparison.Ordinal);
        Assert.Contains("unknown users", d.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cost14_IsAccepted()
    {
        var at14 = BCrypt.Net.BCrypt.HashPassword("x", 4).Replace("$2a$04$", "$2a$14$", StringComparison.Ordinal);

        Assert.Equal(1, PasswdFile.Load(_dir.Write("passwd", $"carol:{at14}\n")).Count);
    }

    [Fact]
    public void MixedCosts_TheDummyTakesTheMostUsedCost_AndALineSaysSo()
    {
        var logger = new Hints.LinesLogger();
        var path = _dir.Write("passwd", string.Join('\n',
            "a:" + BCrypt.Net.BCrypt.HashPassword("a", 4),
            "b:" + BCrypt.Net.BCrypt.HashPassword("b", 4),
            "c:" + BCrypt.Net.BCrypt.HashPassword("c", 5),
            ""));

        var file = PasswdFile.Load(path, logger);

        // The dearest entry no longer sets the dummy's cost: one user at a high cost cannot make every unknown user's check as dear.
        Assert.StartsWith("$2a$04$", file.DummyHash, StringComparison.Ordinal);
        var line = Assert.Single(logger.Lines);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, line.Level);
        Assert.Equal($"passwd_file {path}: bcrypt costs differ (4: 2 users, 5: 1 user): unknown users are checked at cost 4, "
            + "so the time of an answer hides which users exist only among users of cost 4; rehash all at one cost", line.Text);
    }

    [Fact]
    public void OneCost_NothingIsLogged()
    {
        var logger = new Hints.LinesLogger();

        PasswdFile.Load(_dir.Write("passwd", AuthFiles.Text), logger);

        Assert.Empty(logger.Lines);
    }
}
