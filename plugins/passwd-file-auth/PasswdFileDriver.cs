using Exim.Abstractions.Auth;
using Microsoft.Extensions.Logging;

namespace Exim.Plugins.PasswdFileAuth;

/// <summary>
/// Creates <c>passwd_file</c> authenticators. Tables naming the same file share one reading of it (PLAIN and LOGIN
/// usually do), within one generation.
/// </summary>
internal sealed class PasswdFileDriver(SemaphoreSlim verifications) : IAuthenticatorDriver
{
    private readonly Dictionary<string, PasswdFile> _files = new(StringComparer.Ordinal);

    public IServerAuthenticator Create(AuthenticatorDefinition definition)
    {
        var options = definition.Options;
        if (!PlainTextSasl.Supports(definition.PublicName))
        {
            throw options.Invalid("public_name", $"the {PasswdFileAuthPlugin.Driver} driver checks passwords: its public_name must be PLAIN or LOGIN, not {definition.PublicName}");
        }
        var path = options.GetString("server_passwd_file") ?? throw options.Invalid("server_passwd_file", "is required (the file of user:{BLF-CRYPT}$2y$... lines)");
        if (path.Length == 0) throw options.Invalid("server_passwd_file", "is empty");
        path = Path.GetFullPath(path, definition.Main.ConfigDirectory);
        if (!_files.TryGetValue(path, out var file)) _files[path] = file = PasswdFile.Load(path, definition.LoggerFactory.CreateLogger<PasswdFileDriver>());
        return new PasswdFileAuthenticator(definition.PublicName, file, verifications);
    }
}
