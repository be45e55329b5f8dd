using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exim.Plugins.Lmtp;

/// <summary>
/// An LMTP client connection: commands out, replies in. Every operation is bounded by the transport's timeout (a
/// <see cref="TimeoutException"/>), and a reply by its size (lines of at most <see cref="MaxLine"/> bytes, at most
/// <see cref="MaxLines"/> lines: more is a malformed reply). Remembers what was last sent, for Exim's "after ..." texts.
/// </summary>
internal sealed class LmtpConnection : IAsyncDisposable
{
    public const int MaxLine = 2048;
    public const int MaxLines = 100;

    private readonly Socket _socket;
    private readonly TimeSpan _timeout;
    private readonly byte[] _buffer = new byte[MaxLine + 2];
    private int _start;
    private int _end;

    private LmtpConnection(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeout = timeout;
    }

    /// <summary>What was last sent (Exim's big_buffer): <c>initial connection</c>, <c>LHLO host</c>, <c>RCPT TO:&lt;a@b&gt;</c>, ...</summary>
    public string Stage { get; set; } = "initial connection";

    public TimeSpan Timeout => _timeout;

    public static async Task<LmtpConnection> ConnectAsync(EndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await Bounded(ct => socket.ConnectAsync(endpoint, ct), timeout, cancellationToken).ConfigureAwait(false);
            return new LmtpConnection(socket, timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="command"/> with CRLF, and remembers it as the stage.</summary>
    public Task SendAsync(string command, CancellationToken cancellationToken)
    {
        Stage = command;
        return WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), cancellationToken);
    }

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        => Bounded(async ct => { await _socket.SendAsync(data, SocketFlags.None, ct).ConfigureAwait(false); }, _timeout, cancellationToken);

    /// <summary>The next reply, or null when the server closed the connection first; a malformed one throws <see cref="InvalidDataException"/>.</summary>
    public async Task<LmtpReply?> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var code = 0;
        while (lines.Count < MaxLines)
        {
            if (await ReadLineAsync(timeout, cancellationToken).ConfigureAwait(false) is not { } line) return null;
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var lineCode)
                || lineCode < 100 || (line.Length > 3 && line[3] is not (' ' or '-')) || (code != 0 && lineCode != code))
            {
                throw new InvalidDataException(Printing(line));
            }
            code = lineCode;
            lines.Add(line);
            if (line.Length == 3 || line[3] == ' ') return new LmtpReply(code, Printing(string.Join("\n", lines)));
        }
        throw new InvalidDataException($"more than {MaxLines} lines");
    }

    /// <summary>One line without its line end (CRLF or a bare LF), or null at the end of the stream.</summary>
    private async Task<string?> ReadLineAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var end = lf > _start && _buffer[lf - 1] == '\r' ? lf - 1 : lf;
                var line = Encoding.UTF8.GetString(_buffer, _start, end - _start);
                _start = lf + 1;
                return line;
            }
            if (_end - _start > MaxLine) throw new InvalidDataException($"a reply line longer than {MaxLine} bytes");
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }
            var read = 0;
            await Bounded(async ct => read = await _socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, ct).ConfigureAwait(false),
                timeout, cancellationToken).ConfigureAwait(false);
            if (read == 0) return null;
            _end += read;
        }
    }

    /// <summary>Exim's string_printing: the text with control characters escaped.</summary>
    private static string Printing(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => "\\" + Convert.ToString(c, 8).PadLeft(3, '0'),
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    /// <summary>Runs <paramref name="operation"/> within <paramref name="timeout"/>; running out is a <see cref="TimeoutException"/>.</summary>
    private static async Task Bounded(Func<CancellationToken, ValueTask> operation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await operation(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException();
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
