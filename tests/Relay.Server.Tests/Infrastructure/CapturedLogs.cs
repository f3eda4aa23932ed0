using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Relay.Server.Tests.Infrastructure;

/// <summary>One formatted log line as the relay wrote it, with its exception text.</summary>
public sealed record CapturedLog(LogLevel Level, string Category, EventId EventId, string Message, string? Exception)
{
    public string Text => Exception is null ? Message : Message + Environment.NewLine + Exception;

    public override string ToString() => $"{Level} {Category}[{EventId.Id}]: {Text}";
}

/// <summary>Records every log line at Debug and above, so tests can grep them for secrets.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _lines = new();

    public IReadOnlyList<CapturedLog> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            // Structured values too: a secret passed as a parameter but left out of the template still leaks to sinks that keep fields.
            var message = formatter(state, exception);
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
            {
                message += " | " + string.Join("; ", fields.Select(f => $"{f.Key}={f.Value}"));
            }

            owner._lines.Enqueue(new CapturedLog(logLevel, category, eventId, message, exception?.ToString()));
        }
    }
}
