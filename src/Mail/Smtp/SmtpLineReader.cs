using System.Buffers;
using System.Net.Sockets;
using Exim.Mail.Smtp.Transport;

namespace Exim.Mail.Smtp;

/// <summary>
/// The session's input: command lines, and the raw bytes of DATA for <see cref="Protocol.DataDecoder"/>, from one pooled
/// buffer without per-line allocations. An idle session holds no buffer: it waits with a zero-byte receive and rents the
/// buffer only once data has arrived (as Kestrel does), so ten thousand idle sessions do not pin ten thousand buffers.
/// <para>
/// Reads are bounded by deadlines, not by a timeout per read, so a client that trickles a byte at a time cannot hold
/// a connection for ever (slowloris): a command line must arrive whole within smtp_receive_timeout of the session
/// starting to wait for it (<see cref="StartLine"/>); in DATA each read moves the deadline on by the time its bytes are
/// worth at smtp_min_data_rate, never beyond smtp_receive_timeout from now (<see cref="StartData"/>, Postfix's
/// smtpd_min_data_rate); and a session deadline (<see cref="SetSessionDeadline"/>) bounds the time before MAIL.
/// Time comes from the <see cref="TimeProvider"/>, so tests can use a fake clock; shutdown cancels any wait.
/// </para>
/// </summary>
internal sealed class SmtpLineReader : IDisposable
{
    private const int BufferSize = 16 * 1024;
    private ISmtpTransport _transport;
    private readonly TimeProvider _time;
    private readonly CancellationToken _shutdownToken;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private CancellationTokenSource _timer;
    private CancellationTokenRegistration _shutdownRegistration;

    private long _deadline = long.MaxValue;
    private long _lastInput;
    private long _sessionDeadline = long.MaxValue;
    private TimeSpan _dataTimeout;
    private double _minRate;
    private bool _inData;

    public SmtpLineReader(ISmtpTransport transport, TimeProvider time, CancellationToken shutdownToken)
    {
        _transport = transport;
        _time = time;
        _shutdownToken = shutdownToken;
        _timer = NewTimer();
    }

    /// <summary>
    /// What the reader receives from. STARTTLS puts a TLS transport here; whatever was buffered from the old one must
    /// be dropped first (<see cref="DiscardBuffered"/>), so no plaintext sent before the handshake is read as encrypted.
    /// </summary>
    public ISmtpTransport Transport
    {
        get => _transport;
        set => _transport = value;
    }

    /// <summary>Drops whatever has been received and not consumed.</summary>
    public void DiscardBuffered() => _start = _end;

    /// <summary>Whether the client has sent more than has been consumed (used for the pipelining sync check).</summary>
    public bool HasBufferedInput => _end > _start;

    /// <summary>The bytes received and not yet consumed; valid until the next read.</summary>
    public ReadOnlySpan<byte> Buffered => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Consumes <paramref name="count"/> bytes of <see cref="Buffered"/>.</summary>
    public void Advance(int count) => _start += count;

    /// <summary>Whether the session deadline has passed (it, rather than a line or data deadline, ended the last read).</summary>
    public bool SessionDeadlinePassed => _time.GetTimestamp() >= _sessionDeadline;

    /// <summary>How long since bytes last arrived (or since <see cref="StartData"/>).</summary>
    public TimeSpan SinceLastInput => _time.GetElapsedTime(_lastInput);

    /// <summary>The next command line must be complete within <paramref name="timeout"/> from now.</summary>
    public void StartLine(TimeSpan timeout)
    {
        _inData = false;
        _deadline = After(timeout);
    }

    /// <summary>
    /// DATA starts: the deadline is <paramref name="timeout"/> from now and each read moves it on by its byte count
    /// divided by <paramref name="minRate"/> (bytes per second), but never beyond <paramref name="timeout"/> from then.
    /// With <paramref name="minRate"/> 0 every read restarts the timeout, as in Exim.
    /// </summary>
    public void StartData(TimeSpan timeout, long minRate)
    {
        _inData = true;
        _dataTimeout = timeout;
        _minRate = minRate;
        _deadline = After(timeout);
        _lastInput = _time.GetTimestamp();
    }

    /// <summary>Bounds the whole session (until <see cref="ClearSessionDeadline"/>) to <paramref name="limit"/> from now.</summary>
    public void SetSessionDeadline(TimeSpan limit) => _sessionDeadline = limit > TimeSpan.Zero ? After(limit) : long.MaxValue;

    public void ClearSessionDeadline() => _sessionDeadline = long.MaxValue;

    /// <summary>
    /// Reads one line; <paramref name="line"/> is valid until the next call. A line ends at LF, with or without a CR
    /// before it; <c>BareLf</c> says it had none.
    /// </summary>
    public async ValueTask<(ReadStatus Status, ReadOnlyMemory<byte> Line, bool BareLf)> ReadLineAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var crlf = lf > 0 && span[lf - 1] == (byte)'\r';
                var line = _buffer.AsMemory(_start, crlf ? lf - 1 : lf);
                _start += lf + 1;
                return (ReadStatus.Line, line, !crlf);
            }
            if (_buffer.Length > 0 && _end - _start == _buffer.Length)
            {
                // The buffer is full of one line: hand out all but a trailing CR, which may pair with the next LF.
                var take = _buffer[_end - 1] == (byte)'\r' ? _end - _start - 1 : _end - _start;
                var partial = _buffer.AsMemory(_start, take);
                _start += take;
                return (ReadStatus.Partial, partial, false);
            }
            var status = await FillAsync().ConfigureAwait(false);
            if (status != ReadStatus.Data) return (status, default, false);
        }
    }

    /// <summary>True when data is waiting before we have said anything (Exim's "input sent without waiting for greeting").</summary>
    public bool InputPendingNow() => HasBufferedInput || _transport.DataAvailable;

    /// <summary>Receives more bytes into <see cref="Buffered"/>: <see cref="ReadStatus.Data"/>, or why not.</summary>
    public async ValueTask<ReadStatus> FillAsync()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var now = _time.GetTimestamp();
        var deadline = Math.Min(_deadline, _sessionDeadline);
        if (_shutdownToken.IsCancellationRequested) return ReadStatus.Shutdown;
        if (now >= deadline) return ReadStatus.Timeout;
        if (!_timer.TryReset())
        {
            _shutdownRegistration.Dispose();
            _timer.Dispose();
            _timer = NewTimer();
            _shutdownRegistration = default;
        }
        if (_shutdownRegistration == default && _shutdownToken.CanBeCanceled)
        {
            _shutdownRegistration = _shutdownToken.UnsafeRegister(static t => ((CancellationTokenSource)t!).Cancel(), _timer);
        }
        if (deadline != long.MaxValue) _timer.CancelAfter(TimeSpan.FromSeconds((double)(deadline - now) / _time.TimestampFrequency));
        var token = _timer.Token;
        try
        {
            if (_start == _end)
            {
                // Nothing buffered: give the buffer back while we wait for the client.
                ReturnBuffer();
                _start = _end = 0;
                await _transport.ReceiveAsync(Memory<byte>.Empty, token).ConfigureAwait(false);
            }
            if (_buffer.Length == 0) _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
            var n = await _transport.ReceiveAsync(_buffer.AsMemory(_end), token).ConfigureAwait(false);
            if (n == 0) return ReadStatus.Closed;
            _end += n;
            _lastInput = _time.GetTimestamp();
            if (_inData) MoveDataDeadline(n);
            return ReadStatus.Data;
        }
        catch (OperationCanceledException)
        {
            return _shutdownToken.IsCancellationRequested ? ReadStatus.Shutdown : ReadStatus.Timeout;
        }
        catch (Exception e) when (e is SocketException or IOException)
        {
            return ReadStatus.Closed;
        }
        catch (ObjectDisposedException)
        {
            return ReadStatus.Closed;
        }
    }

    private void MoveDataDeadline(int bytes)
    {
        var cap = After(_dataTimeout);
        if (_minRate <= 0 || cap == long.MaxValue)
        {
            _deadline = cap; // Exim's timeout per read, or no timeout at all
            return;
        }
        var earned = (long)(bytes / _minRate * _time.TimestampFrequency);
        _deadline = _deadline > cap - earned ? cap : _deadline + earned;
    }

    private long After(TimeSpan span)
    {
        if (span <= TimeSpan.Zero || span == Timeout.InfiniteTimeSpan) return long.MaxValue;
        var ticks = span.TotalSeconds * _time.TimestampFrequency;
        var now = _time.GetTimestamp();
        return ticks >= long.MaxValue - now ? long.MaxValue : now + (long)ticks;
    }

    private CancellationTokenSource NewTimer() => new(Timeout.InfiniteTimeSpan, _time);

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
