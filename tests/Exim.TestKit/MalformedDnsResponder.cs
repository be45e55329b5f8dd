using System.Net;
using System.Net.Sockets;

namespace Exim.TestKit;

/// <summary>
/// A hand-written UDP "DNS server" for the one case no real server produces: malformed replies. It answers every
/// query with the bytes <paramref name="reply"/> makes from the query (e.g. a cut-off header, garbage, a wrong id).
/// Loopback only; stops on dispose.
/// </summary>
public sealed class MalformedDnsResponder : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly CancellationTokenSource _stop = new();

    public MalformedDnsResponder(Func<byte[], byte[]> reply)
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _ = Task.Run(async () =>
        {
            var buffer = new byte[4096];
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
                    await _socket.SendToAsync(reply(buffer[..received.ReceivedBytes]), SocketFlags.None, received.RemoteEndPoint, _stop.Token);
                }
                catch (OperationCanceledException) { break; }
                catch (SocketException) { }
                catch (ObjectDisposedException) { break; }
            }
        });
    }

    public string NameServer => $"127.0.0.1:{((IPEndPoint)_socket.LocalEndPoint!).Port}";

    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }
}
