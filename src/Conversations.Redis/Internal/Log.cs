using Microsoft.Extensions.Logging;

namespace Conversations.Redis.Internal;

/// <summary>The bus's log messages; event ids 700–799 are reserved for Conversations.Redis.</summary>
internal static partial class Log
{
    [LoggerMessage(700, LogLevel.Warning, "The Redis connection ({ConnectionType}) failed: {FailureType}. Live delivery falls back to catch-up from the store until it is back.")]
    public static partial void ConnectionFailed(ILogger logger, Exception? exception, string connectionType, string failureType);

    [LoggerMessage(701, LogLevel.Information, "The Redis connection ({ConnectionType}) is back; subscribers catch up from the store.")]
    public static partial void ConnectionRestored(ILogger logger, string connectionType);

    [LoggerMessage(702, LogLevel.Warning, "Subscribing to Redis channel {Channel} failed; it is tried again on the next catch-up pass.")]
    public static partial void SubscribeFailed(ILogger logger, Exception exception, string channel);

    [LoggerMessage(703, LogLevel.Warning, "A catch-up pass over the store failed; the next one tries again.")]
    public static partial void CatchUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(704, LogLevel.Debug, "Conversation {ConversationId} reached sequence {Sequence} without its event reaching this host; a catch-up doorbell was delivered.")]
    public static partial void CaughtUp(ILogger logger, string conversationId, long sequence);

    [LoggerMessage(705, LogLevel.Warning, "A message on Redis channel {Channel} could not be read; it is ignored.")]
    public static partial void UnreadableMessage(ILogger logger, Exception exception, string channel);

    [LoggerMessage(706, LogLevel.Debug, "A {EventType} event of {Bytes} bytes is over MaxEventBytes; {Action}.")]
    public static partial void EventTooLarge(ILogger logger, string eventType, int bytes, string action);
}
