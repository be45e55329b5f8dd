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
}
