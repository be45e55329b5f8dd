using System.Buffers;
using System.Net.Sockets;

namespace Exim.Mail.Smtp;

/// <summary>
/// Reads CRLF- (or bare LF-) terminated lines from a socket into one pooled buffer, without per-line allocations.
/// Every read is bounded by the receive timeout and the daemon's shutdown token. An idle session holds no buffer:
/// it waits with a zero-byte receive and rents the buffer only once data has arrived (as Kestrel does), so ten
/// thousand idle sessions do not pin ten thousand buffers.
/// </summary>
internal sealed class SmtpLineReader(Socket socket, TimeSpan timeout, CancellationToken shutdownToken) : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private CancellationTokenSource _timer = new();
    private CancellationTokenRegistration _shutdownRegistration;

    /// <summary>Whether the client has sent more than has been consumed (used for the pipelining sync check).</summary>
    public bool HasBufferedInput => _end > _start;

    /// <summary>Reads one line; <paramref name="line"/> is valid until the next call.</summary>
    public async ValueTask<(ReadStatus Status, ReadOnlyMemory<byte> Line)> ReadLineAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var length = lf > 0 && span[lf - 1] == (byte)'\r' ? lf - 1 : lf;
                var line = _buffer.AsMemory(_start, length);
                _start += lf + 1;
                return (ReadStatus.Line, line);
            }
            if (_buffer.Length > 0 && _end - _start == _buffer.Length)
            {
                // The buffer is full of one line: hand out all but a trailing CR, which may pair with the next LF.
                var take = _buffer[_end - 1] == (byte)'\r' ? _end - _start - 1 : _end - _start;
                var partial = _buffer.AsMemory(_start, take);
                _start += take;
                return (ReadStatus.Partial, partial);
            }
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var status = await FillAsync().ConfigureAwait(false);
            if (status != ReadStatus.Line) return (status, default);
        }
    }

    /// <summary>True when data is waiting before we have said anything (Exim's "input sent without waiting for greeting").</summary>
    public bool InputPendingNow() => HasBufferedInput || socket.Available > 0;

    private async ValueTask<ReadStatus> FillAsync()
    {
        // One cancellation source per session, re-armed for each read; shutdown cancels it too (registered once).
        if (!_timer.TryReset())
        {
            if (shutdownToken.IsCancellationRequested) return ReadStatus.Shutdown;
            _shutdownRegistration.Dispose();
            _timer.Dispose();
            _timer = new CancellationTokenSource();
            _shutdownRegistration = default;
        }
        if (_shutdownRegistration == default && shutdownToken.CanBeCanceled)
        {
            _shutdownRegistration = shutdownToken.UnsafeRegister(static t => ((CancellationTokenSource)t!).Cancel(), _timer);
        }
        _timer.CancelAfter(timeout);
        var token = _timer.Token;
        try
        {
            if (_start == _end)
            {
                // Nothing buffered: give the buffer back while we wait for the client.
                ReturnBuffer();
                _start = _end = 0;
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, token).ConfigureAwait(false);
            }
            if (_buffer.Length == 0) _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            var n = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0) return ReadStatus.Closed;
            _end += n;
            return ReadStatus.Line;
        }
        catch (OperationCanceledException)
        {
            return shutdownToken.IsCancellationRequested ? ReadStatus.Shutdown : ReadStatus.Timeout;
        }
        catch (SocketException)
        {
            return ReadStatus.Closed;
        }
        catch (ObjectDisposedException)
        {
            return ReadStatus.Closed;
        }
    }

    private void ReturnBuffer()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0) ArrayPool<byte>.Shared.Return(buffer);
    }

    public void Dispose()
    {
        _shutdownRegistration.Dispose();
        _timer.Dispose();
        ReturnBuffer();
    }
}
