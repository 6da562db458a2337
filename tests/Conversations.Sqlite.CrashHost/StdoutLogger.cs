using Microsoft.Extensions.Logging;

namespace Conversations.Sqlite.CrashHost;

/// <summary>Writes the engine's information and above to standard output as <c>LOG</c> lines, for the tests to show when they fail.</summary>
internal sealed class StdoutLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StdoutLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class StdoutLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information && category.StartsWith("Conversations", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Out.WriteLine($"LOG {logLevel} {formatter(state, exception)}{(exception is null ? "" : " | " + exception.GetType().Name + ": " + exception.Message)}");
            }
        }
    }
}
