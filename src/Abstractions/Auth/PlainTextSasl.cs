using System.Text;
using Exim.Abstractions.Scripting;

namespace Exim.Abstractions.Auth;

/// <summary>
/// The framing of the two plain-text mechanisms, so that an authenticator that only checks a user and a password does not
/// write it: PLAIN (RFC 4616: <c>[authzid] NUL authcid NUL passwd</c>, an empty <c>334</c> challenge when the AUTH command
/// carried no initial response) and LOGIN (the <c>Username:</c> and <c>Password:</c> prompts Exim's plaintext
/// authenticator is configured with; an initial response is the user name). A PLAIN authorization id other than the
/// user's own is refused: nobody may act as someone else here.
/// </summary>
public static class PlainTextSasl
{
    /// <summary>RFC 4616's mechanism.</summary>
    public const string Plain = "PLAIN";

    /// <summary>The de facto LOGIN mechanism.</summary>
    public const string Login = "LOGIN";

    /// <summary>Whether <paramref name="mechanism"/> is PLAIN or LOGIN (any case).</summary>
    /// <param name="mechanism">A SASL mechanism name.</param>
    public static bool Supports(string mechanism)
        => string.Equals(mechanism, Plain, StringComparison.OrdinalIgnoreCase) || string.Equals(mechanism, Login, StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts a PLAIN or LOGIN exchange that ends in <paramref name="check"/>.</summary>
    /// <param name="mechanism">PLAIN or LOGIN.</param>
    /// <param name="connection">The client's connection, handed to <paramref name="check"/>.</param>
    /// <param name="check">Checks the user and password.</param>
    public static ISaslConversation Start(string mechanism, AcceptConnection connection, CredentialsCheck check)
    {
        if (string.Equals(mechanism, Plain, StringComparison.OrdinalIgnoreCase)) return new PlainConversation(connection, check);
        if (string.Equals(mechanism, Login, StringComparison.OrdinalIgnoreCase)) return new LoginConversation(connection, check);
        throw new ArgumentException($"{mechanism} is not a plain-text mechanism (PLAIN or LOGIN)", nameof(mechanism));
    }

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private static string Text(ReadOnlySpan<byte> bytes) => Utf8.GetString(bytes);

    private sealed class PlainConversation(AcceptConnection connection, CredentialsCheck check) : ISaslConversation
    {
        public ValueTask<SaslStep> NextAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
        {
            if (response is not { } data) return new(SaslStep.Ask(ReadOnlyMemory<byte>.Empty)); // "334 " and wait for it
            var span = data.Span;
            var first = span.IndexOf((byte)0);
            var second = first < 0 ? -1 : span[(first + 1)..].IndexOf((byte)0);
            if (second < 0) return new(SaslStep.Failed());
            second += first + 1;
            var authzid = span[..first];
            var user = Text(span[(first + 1)..second]);
            var password = span[(second + 1)..];
            if (user.Length == 0 || password.IndexOf((byte)0) >= 0) return new(SaslStep.Failed(user.Length == 0 ? null : user));
            if (!authzid.IsEmpty && Text(authzid) != user) return new(SaslStep.Failed(user));
            return check(user, Text(password), connection, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private sealed class LoginConversation(AcceptConnection connection, CredentialsCheck check) : ISaslConversation
    {
        private static readonly byte[] UserPrompt = "Username:"u8.ToArray();
        private static readonly byte[] PasswordPrompt = "Password:"u8.ToArray();
        private string? _user;
        private bool _started;

        public ValueTask<SaslStep> NextAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken)
        {
            var first = !_started;
            _started = true;
            if (response is not { } data)
            {
                return new(first ? SaslStep.Ask(UserPrompt) : SaslStep.Failed());
            }
            if (_user is null)
            {
                _user = Text(data.Span);
                return new(SaslStep.Ask(PasswordPrompt));
            }
            if (_user.Length == 0) return new(SaslStep.Failed());
            return check(_user, Text(data.Span), connection, cancellationToken);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
