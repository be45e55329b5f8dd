namespace Exim.Mail.Transports.Smtp;

/// <summary>
/// Open connections kept between messages of one queue run (or one -M), so several messages to the same host share a
/// connection, as Exim's continued connections do. Bounded; a connection found closed on reuse is replaced by the
/// transport. Disposing sends QUIT to each (bounded by a short timeout) and closes it.
/// </summary>
internal sealed class SmtpConnectionPool : IAsyncDisposable
{
    private const int MaxIdle = 16;
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);
    private readonly Lock _lock = new();
    private readonly List<SmtpClientConnection> _idle = [];

    /// <summary>Most transactions one connection carries before it is closed (Exim's connection_max_messages idea).</summary>
    public int MaxTransactions { get; init; } = 500;

    public SmtpClientConnection? Take(string key)
    {
        lock (_lock)
        {
            var i = _idle.FindIndex(c => c.Key == key);
            if (i < 0) return null;
            var c = _idle[i];
            _idle.RemoveAt(i);
            return c;
        }
    }

    public async Task ReturnAsync(SmtpClientConnection connection)
    {
        SmtpClientConnection? evicted = null;
        if (connection.Transactions >= MaxTransactions)
        {
            await QuitAsync(connection).ConfigureAwait(false);
            return;
        }
        connection.IdleSince = System.Diagnostics.Stopwatch.GetTimestamp();
        lock (_lock)
        {
            _idle.Add(connection);
            if (_idle.Count > MaxIdle)
            {
                evicted = _idle[0];
                _idle.RemoveAt(0);
            }
        }
        if (evicted is not null) await QuitAsync(evicted).ConfigureAwait(false);
    }

    public static async Task QuitAsync(SmtpClientConnection connection)
    {
        try
        {
            await connection.SendAsync("QUIT\r\n", QuitTimeout, CancellationToken.None).ConfigureAwait(false);
            await connection.ReadReplyAsync(QuitTimeout, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or ObjectDisposedException)
        {
            // The server is gone already; closing is all that is left.
        }
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        SmtpClientConnection[] all;
        lock (_lock)
        {
            all = [.. _idle];
            _idle.Clear();
        }
        await Task.WhenAll(all.Select(QuitAsync)).ConfigureAwait(false);
    }
}
