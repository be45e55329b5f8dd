using System.Net.Sockets;
using System.Text;
using Exim.TestKit;

namespace Exim.Host.Tests.Systemd;

/// <summary>
/// What systemd's side of NOTIFY_SOCKET is: a Unix datagram socket the test binds, recording every datagram the daemon
/// sends, in order.
/// </summary>
internal sealed class NotifySocket : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    private readonly List<string> _messages = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;

    /// <param name="path">A file path, or "@name" for Linux's abstract namespace (as systemd's own is).</param>
    public NotifySocket(string path)
    {
        Path = path;
        _socket.Bind(new UnixDomainSocketEndPoint(path.StartsWith('@') ? "\0" + path[1..] : path));
        _receiving = ReceiveAsync();
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Path { get; }

    public IReadOnlyList<string> Messages
    {
        get { lock (_messages) return [.. _messages]; }
    }

    /// <summary>Waits for a datagram after the first <paramref name="after"/> ones that <paramref name="match"/> accepts.</summary>
    /// <returns>Its index and text.</returns>
    public async Task<(int Index, string Message)> WaitForAsync(Func<string, bool> match, int after = 0, TimeSpan? timeout = null)
    {
        (int, string)? found = null;
        await Wait.UntilOrFailAsync(() =>
        {
            var all = Messages;
            for (var i = after; i < all.Count; i++)
            {
                if (!match(all[i])) continue;
                found = (i, all[i]);
                return true;
            }
            return false;
        }, timeout ?? TestTimeouts.Default, () => "notification; got:\n" + string.Join("\n---\n", Messages));
        return found!.Value;
    }

    private async Task ReceiveAsync()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var n = await _socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                lock (_messages) _messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _receiving.WaitAsync(TestTimeouts.Default);
        _socket.Dispose();
        _stop.Dispose(); // a file path's directory is the caller's to remove
    }
}
