using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Exim.Abstractions.Config;
using Exim.Abstractions.Daemon;
using Exim.Host.Slots;
using Exim.Mail.Smtp;
using Exim.Mail.Spool;
using Exim.TestKit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Exim.Host.Tests.Smtp;

/// <summary>
/// The real session (the core's admission chain and <see cref="SmtpSession"/>) on a real loopback socket, in process, on a <see cref="FakeTimeProvider"/>:
/// timing tests advance the clock instead of sleeping. The client side is an <see cref="SmtpTestClient"/>; the session's
/// log lines are collected in <see cref="Log"/>.
/// </summary>
internal sealed class InProcessSession : IAsyncDisposable
{
    private readonly TempDirectory _directory;
    private readonly FileSpool _spool;
    private readonly Task<SessionResult> _run;

    private InProcessSession(TempDirectory directory, FileSpool spool, SmtpTestClient client, Task<SessionResult> run, FakeTimeProvider time, ConcurrentQueue<string> log)
    {
        _directory = directory;
        _spool = spool;
        Client = client;
        _run = run;
        Time = time;
        Log = log;
    }

    public SmtpTestClient Client { get; }
    public FakeTimeProvider Time { get; }
    public ConcurrentQueue<string> Log { get; }
    public string InputDirectory => _directory.Combine("spool", "input");

    /// <summary>The first reply: the greeting, or why there is none.</summary>
    public string Greeting { get; private init; } = "";

    /// <summary>
    /// Starts a session with <paramref name="main"/> (spool, host name and local domains filled in) and reads the
    /// greeting; <paramref name="sendFirst"/> is sent before the session starts (input before the greeting);
    /// <paramref name="policies"/> are the stage policies and their helpers, if any.
    /// </summary>
    /// <param name="main">The main options.</param>
    /// <param name="sendFirst">Sent before the session starts.</param>
    /// <param name="policies">The stage policies.</param>
    /// <param name="authenticators">The generation's authenticators.</param>
    /// <param name="clientAddress">The loopback address the client connects from (127.0.0.1 by default).</param>
    /// <param name="tls">The server's TLS credentials: STARTTLS is offered and done for real.</param>
    /// <param name="describedTls">When set, the connection is described as encrypted from the start, as a TLS-on-connect port or a
    /// completed STARTTLS leaves it (the session's bytes themselves stay in clear here).</param>
    public static async Task<InProcessSession> StartAsync(MainOptions main, string? sendFirst = null, Mail.Smtp.Policy.PolicyServices? policies = null,
        Mail.Smtp.Tls.TlsServerCredentials? tls = null,
        System.Collections.Immutable.ImmutableArray<Mail.Smtp.Auth.Authenticator> authenticators = default, Abstractions.Scripting.TlsSessionInfo? describedTls = null,
        string? clientAddress = null)
    {
        var directory = new TempDirectory("exim-session");
        main = main with { SpoolDirectory = directory.Combine("spool"), PrimaryHostname = "mx.test.example", LocalDomains = ["test.example"] };
        // The connection and syntax/protocol error lines and SNI= many tests look for (off in Exim's default log_selector).
        if (main.LogSelector.Length == 0) main = main with { LogSelector = "+smtp_connection +smtp_syntax_error +smtp_protocol_error +tls_sni" };
        Directory.CreateDirectory(Path.Combine(main.SpoolDirectory, "input"));
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
        var spool = new FileSpool(main.SpoolDirectory, time, syncFilesystem: false);
        var log = new ConcurrentQueue<string>();

        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var connect = SmtpTestClient.ConnectAsync(((IPEndPoint)listener.LocalEndPoint!).Port, clientAddress);
        var server = await listener.AcceptAsync().WaitAsync(TestTimeouts.Default);
        var client = await connect;
        if (sendFirst is not null)
        {
            await client.SendRawAsync(sendFirst);
            await Wait.UntilOrFailAsync(() => server.Available > 0, TestTimeouts.Default, () => "input before the greeting did not arrive");
        }
        var slots = new SlotTable(new ChildExitReporter(NullLogger<ChildExitReporter>.Instance), time);
        var settings = new SmtpSettings(main, "4.96") { Tls = tls, Authenticators = authenticators.IsDefault ? [] : authenticators };
        var handler = new SmtpSessionHandler(settings, spool, slots, new NoLoad(), time, new ListLogger(log),
            limits: describedTls is null ? null : new DescribeTls(describedTls), policies: policies);
        var run = Task.Run(() => handler.RunAsync(server, CancellationToken.None));
        var greeting = await client.ReadReplyAsync();
        if (sendFirst is null && !greeting.StartsWith("220 ", StringComparison.Ordinal)) throw new InvalidOperationException("no greeting: " + greeting);
        return new InProcessSession(directory, spool, client, run, time, log) { Greeting = greeting };
    }

    /// <summary>The next reply if one arrives within a short real-time wait (the session runs on real sockets), else null.</summary>
    public async Task<string?> ReplyIfAnyAsync()
    {
        try
        {
            return await Client.ReadReplyAsync(TimeSpan.FromMilliseconds(150));
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Lets the session take in what was just sent before the clock moves (its deadlines are absolute, so this only keeps steps apart).</summary>
    public static Task SettleAsync() => Task.Delay(30);

    /// <summary>
    /// Moves the fake clock on by <paramref name="step"/> at a time until <paramref name="done"/> holds (within
    /// <see cref="TestTimeouts.Default"/> of real time): a timer the session registers only after the clock first moved is
    /// still reached, and the clock passes the moment it fires by less than one step.
    /// </summary>
    public Task AdvanceUntilAsync(TimeSpan step, Func<bool> done, string what) => Wait.UntilOrFailAsync(() =>
    {
        if (done()) return true;
        Time.Advance(step);
        return false;
    }, TestTimeouts.Default, () => $"{what} did not come:\n" + string.Join("\n", Log));

    public bool Logged(string text) => Log.Any(l => l.Contains(text, StringComparison.Ordinal));

    public async Task<SessionResult> EndAsync() => await _run.WaitAsync(TestTimeouts.Default);

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        try { await _run.WaitAsync(TestTimeouts.Default); } catch (TimeoutException) { }
        await _spool.DisposeAsync();
        _directory.Dispose();
    }

    /// <summary>Describes the connection as a completed TLS handshake would.</summary>
    private sealed class DescribeTls(Abstractions.Scripting.TlsSessionInfo tls) : IAdmissionStep
    {
        public Task<SessionResult> InvokeAsync(AdmissionContext connection, AdmissionDelegate next)
        {
            var context = (Mail.Smtp.Admission.ConnectionContext)connection;
            context.Describe(context.Description with { TlsSession = tls });
            return next(connection);
        }
    }

    private sealed class NoLoad : ISystemLoad
    {
        public int LoadAverage => -1;
    }

    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) lines.Enqueue(formatter(state, exception));
        }
    }
}
