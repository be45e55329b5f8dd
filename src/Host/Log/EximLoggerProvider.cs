using System.Collections.Concurrent;
using Exim.Abstractions.Log;
using Microsoft.Extensions.Logging;

namespace Exim.Host.Log;

/// <summary>Routes Microsoft.Extensions.Logging events to Exim's log files (see <see cref="EximLogEvents"/>).</summary>
internal sealed class EximLoggerProvider(EximLogSink sink) : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, EximLogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => _loggers.GetOrAdd(categoryName, _ => new EximLogger(sink));

    public void Dispose() => _loggers.Clear();

    private static string? RejectLogDetail<TState>(TState state)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> properties) return null;
        foreach (var (key, value) in properties)
        {
            if (key == EximLogEvents.RejectLogDetail) return value as string;
        }
        return null;
    }

    private sealed class EximLogger(EximLogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel)
            => logLevel != LogLevel.None && (logLevel >= LogLevel.Information || sink.DebugToStderr);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var message = formatter(state, exception);
            if (exception is not null) message = $"{message}: {exception.GetType().Name}: {exception.Message}";
            if (logLevel < LogLevel.Information)
            {
                sink.Debug(message);
                return;
            }
            var targets = LogTarget.Main;
            if (logLevel == LogLevel.Critical) targets |= LogTarget.Panic;
            if (EximLogEvents.IsReject(eventId.Id))
            {
                if (!sink.WouldBe && RejectLogDetail(state) is { Length: > 0 } detail)
                {
                    // The dump follows the line in the reject log only (Exim's log.c); the main log gets the line.
                    sink.Write(targets, message);
                    sink.Write(LogTarget.Reject, message + "\n" + detail);
                    return;
                }
                targets |= LogTarget.Reject;
            }
            sink.Write(targets, message);
        }
    }
}
