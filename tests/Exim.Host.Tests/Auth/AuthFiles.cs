using System.Collections.Immutable;
using Exim.Mail.Smtp.Auth;
using Exim.Plugins.PasswdFileAuth;
using Exim.TestKit;

namespace Exim.Host.Tests.Auth;

/// <summary>Password files made by the tests (bcrypt at the lowest cost, so they are quick) and authenticators over them.</summary>
internal static class AuthFiles
{
    public const string AlicePassword = "correct horse";
    public const string BobPassword = "battery staple";

    /// <summary>alice in Dovecot's form, bob in htpasswd -B's form.</summary>
    public static string Text { get; } = string.Join('\n',
        "# users of the tests",
        "alice:{BLF-CRYPT}" + BCrypt.Net.BCrypt.HashPassword(AlicePassword, 4),
        "",
        "bob:" + BCrypt.Net.BCrypt.HashPassword(BobPassword, 4).Replace("$2a$", "$2y$", StringComparison.Ordinal) + "::::::",
        "");

    /// <summary>PLAIN and LOGIN authenticators named "plain" and "login" over <see cref="Text"/> written into <paramref name="directory"/>.</summary>
    /// <param name="directory">Where the file is written.</param>
    /// <param name="slots">The verification slots (the plugin's max_verifications), one by default.</param>
    public static ImmutableArray<Authenticator> PlainAndLogin(TempDirectory directory, SemaphoreSlim? slots = null)
    {
        var file = PasswdFile.Load(directory.Write("passwd", Text));
        slots ??= new SemaphoreSlim(1, 1);
        return [new("plain", "PLAIN", new PasswdFileAuthenticator("PLAIN", file, slots)), new("login", "LOGIN", new PasswdFileAuthenticator("LOGIN", file, slots))];
    }

    /// <summary>PLAIN's initial response for <paramref name="user"/> and <paramref name="password"/>, base64.</summary>
    public static string Plain(string user, string password, string authzid = "") => B64($"{authzid}\0{user}\0{password}");

    public static string B64(string text) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(text));
}
