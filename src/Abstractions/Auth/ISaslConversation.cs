namespace Exim.Abstractions.Auth;

/// <summary>
/// One SASL exchange. The core calls <see cref="NextAsync"/> first with the AUTH command's initial response (null when
/// there was none, empty for the client's <c>=</c>), then with the decoded answer to each challenge, until a step that
/// is not <see cref="SaslStepKind.Challenge"/>. It is disposed when the exchange ends in any way, including the client
/// cancelling or going away mid-way.
/// </summary>
public interface ISaslConversation : IAsyncDisposable
{
    /// <summary>Takes the client's next response and answers with the next step.</summary>
    /// <param name="response">The decoded response; null only on the first call when the client sent no initial response.</param>
    /// <param name="cancellationToken">Cancelled when the session ends or the daemon stops.</param>
    ValueTask<SaslStep> NextAsync(ReadOnlyMemory<byte>? response, CancellationToken cancellationToken);
}
