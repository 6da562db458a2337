using Microsoft.Extensions.Logging;

namespace Conversations.PostgreSql.Internal;

/// <summary>The store's log messages; event ids 600–699 are reserved for Conversations.PostgreSql.</summary>
internal static partial class Log
{
    [LoggerMessage(600, LogLevel.Information, "PostgreSQL store opened schema '{Schema}' at {Server}, schema version {Version}.")]
    public static partial void Opened(ILogger logger, string schema, string server, int version);

    [LoggerMessage(601, LogLevel.Information, "PostgreSQL store migrated schema '{Schema}' from version {From} to {To}.")]
    public static partial void Migrated(ILogger logger, string schema, int from, int to);

    [LoggerMessage(602, LogLevel.Warning, "PostgreSQL at {Server} runs with {Setting} = {Value}: acknowledged writes may be lost if the server crashes. Use the default (on) where acknowledgements must be durable.")]
    public static partial void NotDurable(ILogger logger, string server, string setting, string value);

    [LoggerMessage(603, LogLevel.Warning, "A PostgreSQL write failed transiently (attempt {Attempt}); it is tried again.")]
    public static partial void Retrying(ILogger logger, Exception exception, int attempt);

    [LoggerMessage(604, LogLevel.Error, "A batch of {Count} appends failed.")]
    public static partial void BatchFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(605, LogLevel.Trace, "Committed a batch of {Count} appends.")]
    public static partial void BatchCommitted(ILogger logger, int count);
}
