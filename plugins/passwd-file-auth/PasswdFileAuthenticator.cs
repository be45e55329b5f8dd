using Exim.Abstractions.Auth;
using Exim.Abstractions.Scripting;

namespace Exim.Plugins.PasswdFileAuth;

/// <summary>
/// One PLAIN or LOGIN authenticator over a <see cref="PasswdFile"/>: the framing is <see cref="PlainTextSasl"/>'s; each
/// check waits for a verification slot (the wait ends with the core's time limit, which then answers 435) and runs one
/// bcrypt verification, for unknown users too.
/// </summary>
internal sealed class PasswdFileAuthenticator(string mechanism, PasswdFile file, SemaphoreSlim verifications) : IServerAuthenticator
{
    public ISaslConversation Start(AcceptConnection connection) => PlainTextSasl.Start(mechanism, connection, CheckAsync);

    private async ValueTask<SaslStep> CheckAsync(string user, string password, AcceptConnection connection, CancellationToken cancellationToken)
    {
        await verifications.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // CPU-bound for tens of milliseconds: the slots above keep it to a few threads at a time.
            return file.Verify(user, password) ? SaslStep.Succeeded(user) : SaslStep.Failed(user);
        }
        finally
        {
            verifications.Release();
        }
    }
}
