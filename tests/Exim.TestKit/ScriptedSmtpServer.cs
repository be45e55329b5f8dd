using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exim.TestKit;

/// <summary>
/// A hand-written SMTP server on 127.0.0.1 and a free port, for peers no real server can play: one that answers 4xx or
/// 5xx on demand, or stalls. <see cref="Reply"/> maps each command line to a reply; null means never answer (a stall).
/// After a 354 to DATA it reads the message up to the lone dot and answers that with the reply to ".".
/// Connections and commands are counted so tests can see what the client did.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly List<string> _commands = [];
    private int _connections;

    public ScriptedSmtpServer(Func<string, string?> reply)
    {
        Reply = reply;
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    public Func<string, string?> Reply { get; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Connections => Volatile.Read(ref _connections);

    public IReadOnlyList<string> Commands { get { lock (_commands) return [.. _commands]; } }

    /// <summary>The usual replies, with PIPELINING offered; <paramref name="rcpt"/> decides RCPT, <paramref name="mail"/> MAIL.</summary>
    public static Func<string, string?> Answers(string rcpt = "250 Accepted", string? mail = "250 OK", string dot = "250 OK id=fake") => command =>
        command.ToUpperInvariant() switch
        {
            var c when c.StartsWith("EHLO", StringComparison.Ordinal) => "250-fake.test\r\n250-PIPELINING\r\n250 SIZE",
            var c when c.StartsWith("HELO", StringComparison.Ordinal) => "250 fake.test",
            var c when c.StartsWith("MAIL", StringComparison.Ordinal) => mail,
            var c when c.StartsWith("RCPT", StringComparison.Ordinal) => rcpt,
            "DATA" => rcpt.StartsWith('2') ? "354 go ahead" : "503 no valid recipients",
            "." => dot,
            "QUIT" => "221 bye",
            _ => "250 OK",
        };

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try { socket = await _listener.AcceptSocketAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using var _ = socket;
        socket.NoDelay = true; // as a real MTA sets it: otherwise a pipelined client waits out delayed ACKs (40 ms a reply)
        using var stream = new NetworkStream(socket);
        using var reader = new StreamReader(stream, Encoding.Latin1);
        try
        {
            await WriteAsync(stream, "220 fake.test ESMTP");
            for (var i = 0; i < 10_000; i++)
            {
                var line = await reader.ReadLineAsync(_stop.Token);
                if (line is null) return;
                lock (_commands) _commands.Add(line);
                var reply = Reply(line);
                if (reply is null)
                {
                    await Task.Delay(Timeout.Infinite, _stop.Token); // stall until the client gives up or the test ends
                    return;
                }
                await WriteAsync(stream, reply);
                if (line.Equals("DATA", StringComparison.OrdinalIgnoreCase) && reply.StartsWith("354", StringComparison.Ordinal))
                {
                    for (var j = 0; j < 1_000_000; j++)
                    {
                        var data = await reader.ReadLineAsync(_stop.Token);
                        if (data is null) return;
                        if (data == ".") break;
                    }
                    lock (_commands) _commands.Add(".");
                    var end = Reply(".");
                    if (end is null)
                    {
                        await Task.Delay(Timeout.Infinite, _stop.Token);
                        return;
                    }
                    await WriteAsync(stream, end);
                }
                if (line.Equals("QUIT", StringComparison.OrdinalIgnoreCase)) return;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away, or the test is over.
        }
    }

    private async Task WriteAsync(NetworkStream stream, string reply)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        cts.CancelAfter(TestTimeouts.Default);
        await stream.WriteAsync(Encoding.Latin1.GetBytes(reply + "\r\n"), cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try { await _accepting.WaitAsync(TestTimeouts.Default); }
        catch (TimeoutException) { }
        _stop.Dispose();
    }
}
