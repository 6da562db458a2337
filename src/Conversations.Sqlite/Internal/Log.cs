using Microsoft.Extensions.Logging;

namespace Conversations.Sqlite.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "SQLite store opened '{DataSource}' at schema version {Version}.")]
    public static partial void Opened(ILogger logger, string dataSource, int version);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "SQLite store migrated '{DataSource}' from schema version {From} to {To}.")]
    public static partial void Migrated(ILogger logger, string dataSource, int from, int to);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "SQLite store failed to commit a batch of {Count} writes.")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 103, Level = LogLevel.Trace, Message = "SQLite store committed a batch of {Count} writes.")]
    public static partial void BatchCommitted(ILogger logger, int count);
}
