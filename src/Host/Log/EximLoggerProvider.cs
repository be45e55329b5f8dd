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
            if (EximLogEvents.IsReject(eventId.Id)) targets |= LogTarget.Reject;
            sink.Write(targets, message);
        }
    }
}
