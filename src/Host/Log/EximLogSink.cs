using System.Buffers;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using Exim.Mail.Native;
using Exim.Mail.Text;

namespace Exim.Host.Log;

/// <summary>
/// Writes Exim-format log lines (<c>2026-11-24 12:00:00 message</c>) to the main, panic and reject logs.
/// Callers never block on disk: lines go through a channel to one writer task, which appends each batch and
/// closes the file again (as Exim does), so log rotation by rename needs no signal. Each batch is one O_APPEND write
/// of whole lines, so the daemon, queue runners and delivery processes can all write one log without losing or
/// splitting a line. Before a configuration
/// names the log files, and whenever they cannot be written, lines go to stderr.
/// <para>One descriptor is held in reserve: when the process runs out (EMFILE, exactly when an operator most needs
/// the log), the reserve is given up to write the batch and taken back afterwards.</para>
/// </summary>
internal sealed class EximLogSink : IAsyncDisposable
{
    private readonly Channel<Entry> _channel = Channel.CreateUnbounded<Entry>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _writer;
    private readonly Lock _stderrLock = new();
    private LogPaths? _paths;
    private FileStream? _reserve = OpenReserve();
    private System.Net.Sockets.Socket? _syslogSocket;

    /// <param name="debugToStderr">Also write debug output (-d) to stderr.</param>
    /// <param name="routing">Files, or one of Exim's testing modes (-bh, -bt, -bV): then no log file is touched and every
    /// line goes to stderr in that mode's shape.</param>
    public EximLogSink(bool debugToStderr, LogRouting routing = LogRouting.Files)
    {
        DebugToStderr = debugToStderr;
        Routing = routing;
        _writer = Task.Run(WriteLoopAsync);
    }

    public bool DebugToStderr { get; }

    public LogRouting Routing { get; }

    /// <summary>A testing mode: lines go to stderr as Exim shows the lines it would have logged, never to the files.</summary>
    public bool WouldBe => Routing != LogRouting.Files;

    /// <summary>Directs later lines to the files of a newly published configuration.</summary>
    public void UsePaths(LogPaths paths) => Volatile.Write(ref _paths, paths);

    public void Write(LogTarget targets, string message)
    {
        var entry = new Entry(DateTime.Now, targets, message);
        // After disposal the process is exiting: late lines are dropped rather than spilled onto stderr.
        if (!_channel.Writer.TryWrite(entry) && (Volatile.Read(ref _paths) is null || WouldBe)) WriteStderr(entry);
        if (DebugToStderr && !WouldBe) Debug(message); // a testing mode's stderr line is its debug form too
    }

    public void Debug(string message)
    {
        lock (_stderrLock)
        {
            Console.Error.WriteLine($"{Environment.ProcessId,5} {message}");
        }
    }

    /// <summary>Waits until every line written so far is on disk.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (_channel.Writer.TryWrite(new Entry(default, LogTarget.None, "", done)))
        {
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        _reserve?.Dispose();
        _syslogSocket?.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var reader = _channel.Reader;
        var batches = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        var flushes = new List<TaskCompletionSource>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var paths = Volatile.Read(ref _paths);
            while (reader.TryRead(out var entry))
            {
                if (entry.Flushed is not null) { flushes.Add(entry.Flushed); continue; }
                if (paths is null || WouldBe) { WriteStderr(entry); continue; }
                if (paths.Syslog is { } syslog) Syslog(syslog, entry, paths.Pid);
                if (!paths.ToFiles) continue;
                foreach (var target in (ReadOnlySpan<LogTarget>)[LogTarget.Main, LogTarget.Panic, LogTarget.Reject])
                {
                    if ((entry.Targets & target) == 0) continue;
                    var path = paths.For(target);
                    if (!batches.TryGetValue(path, out var sb)) batches[path] = sb = new StringBuilder();
                    entry.AppendTo(sb, paths.Pid);
                }
            }
            foreach (var (path, sb) in batches)
            {
                if (sb.Length == 0) continue;
                Append(path, sb);
                sb.Clear();
            }
            foreach (var f in flushes) f.TrySetResult();
            flushes.Clear();
        }
    }

    /// <summary>
    /// One entry to syslog, as log.c's log_write does: a main-log line at LOG_INFO unless it also goes to the reject or panic
    /// log (Exim's syslog_duplication default writes it at each), a reject-log line at LOG_NOTICE, a panic-log line at LOG_ALERT.
    /// </summary>
    private void Syslog(SyslogTarget target, Entry entry, bool pid)
    {
        var sb = new StringBuilder();
        entry.AppendTo(sb, pid);
        var line = sb.ToString(0, sb.Length - 1);
        try
        {
            _syslogSocket ??= new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Unspecified);
            if ((entry.Targets & LogTarget.Main) != 0) target.Send(_syslogSocket, SyslogTarget.Info, line, entry.Time);
            if ((entry.Targets & LogTarget.Reject) != 0) target.Send(_syslogSocket, SyslogTarget.Notice, line, entry.Time);
            if ((entry.Targets & LogTarget.Panic) != 0) target.Send(_syslogSocket, SyslogTarget.Alert, line, entry.Time);
        }
        catch (System.Net.Sockets.SocketException e)
        {
            // Exim's LOG_CONS: when syslog cannot take the line, it is not lost.
            lock (_stderrLock) Console.Error.WriteLine($"exim: cannot write to syslog at {target.SocketPath}: {e.Message}");
            WriteStderr(entry);
        }
    }

    private void Append(string path, StringBuilder text)
    {
        try
        {
            try
            {
                Write(path, text);
            }
            catch (IOException) when (_reserve is not null)
            {
                // Perhaps out of descriptors: spend the reserve on the log, then take it back.
                _reserve.Dispose();
                _reserve = null;
                try { Write(path, text); }
                finally { _reserve = OpenReserve(); }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_stderrLock) Console.Error.WriteLine($"exim: cannot write log file {path}: {e.Message}");
            WriteStderr(text);
        }
    }

    private static void Write(string path, StringBuilder text)
    {
        var (bytes, length) = Encode(text);
        try
        {
            try
            {
                Posix.Append(path, bytes.AsSpan(0, length), LogFileMode);
            }
            catch (IOException)
            {
                // Most likely the log directory is missing: made then, not checked before every write (a stat and a mkdir
                // per batch of lines, about one per message under load).
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                Posix.Append(path, bytes.AsSpan(0, length), LogFileMode);
            }
        }
        finally { ArrayPool<byte>.Shared.Return(bytes); }
    }

    /// <summary>Log text as the bytes it stands for (8-bit client bytes stay the bytes they were), in a pooled buffer.</summary>
    private static (byte[] Bytes, int Length) Encode(StringBuilder text)
    {
        var chars = text.ToString();
        var bytes = ArrayPool<byte>.Shared.Rent(ClientText.GetMaxByteCount(chars.Length));
        return (bytes, ClientText.GetBytes(chars, bytes));
    }

    /// <summary>Exim's LOG_MODE: 0640.</summary>
    private const UnixFileMode LogFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private static FileStream? OpenReserve()
    {
        try { return new FileStream("/dev/null", FileMode.Open, FileAccess.Read); }
        catch (IOException) { return null; }
    }

    private void WriteStderr(Entry entry)
    {
        if (entry.Targets == LogTarget.None) return;
        var sb = new StringBuilder();
        switch (Routing)
        {
            case LogRouting.HostChecking:
                ClientText.AppendLogText(sb.Append("LOG: "), entry.Message).Append('\n');
                break;
            case LogRouting.AddressTesting:
                sb.Append("LOG:").Append((entry.Targets & LogTarget.Main) != 0 ? " MAIN" : "").Append((entry.Targets & LogTarget.Panic) != 0 ? " PANIC" : "")
                    .Append((entry.Targets & LogTarget.Reject) != 0 ? " REJECT" : "").Append("\n  ");
                ClientText.AppendLogText(sb, entry.Message).Append('\n');
                break;
            default:
                entry.AppendTo(sb);
                break;
        }
        WriteStderr(sb);
    }

    /// <summary>Log text to stderr, in the log files' encoding (8-bit client bytes stay the bytes they were).</summary>
    private void WriteStderr(StringBuilder text)
    {
        var (bytes, length) = Encode(text);
        try
        {
            lock (_stderrLock)
            {
                Console.Error.Flush();
                using var stderr = Console.OpenStandardError();
                stderr.Write(bytes, 0, length);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    private readonly record struct Entry(DateTime Time, LogTarget Targets, string Message, TaskCompletionSource? Flushed = null)
    {
        /// <param name="sb">Where the line goes.</param>
        /// <param name="pid">log_selector's +pid: <c>[pid] </c> after the time stamp.</param>
        public void AppendTo(StringBuilder sb, bool pid = false)
        {
            sb.Append(Time.ToString("yyyy-MM-dd HH:mm:ss ", CultureInfo.InvariantCulture));
            if (pid) sb.Append('[').Append(Environment.ProcessId).Append("] ");
            ClientText.AppendLogText(sb, Message);
            sb.Append('\n');
        }
    }
}
