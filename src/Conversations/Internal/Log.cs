using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "Room {RoomId} created by {ActorId} ({Kind}).")]
    public static partial void RoomCreated(ILogger logger, string roomId, string actorId, RoomKind kind);

    [LoggerMessage(2, LogLevel.Debug, "Message {MessageId} posted at sequence {Sequence} in conversation {ConversationId} by {SenderId}.")]
    public static partial void MessagePosted(ILogger logger, string messageId, long sequence, string conversationId, string senderId);

    [LoggerMessage(3, LogLevel.Trace, "Message {MessageId} text: {Text}")]
    public static partial void MessageText(ILogger logger, string messageId, string text);

    [LoggerMessage(10, LogLevel.Error, "The flow of agent {AgentId} failed on sequence {Sequence} of conversation {ConversationId}.")]
    public static partial void FlowFailed(ILogger logger, Exception exception, string agentId, string conversationId, long sequence);

    [LoggerMessage(11, LogLevel.Warning, "The flow of agent {AgentId} timed out after {Timeout} on sequence {Sequence} of conversation {ConversationId}.")]
    public static partial void FlowTimedOut(ILogger logger, string agentId, string conversationId, long sequence, TimeSpan timeout);

    [LoggerMessage(12, LogLevel.Warning, "Dropped a trigger for agent {AgentId} in conversation {ConversationId}: {Pending} triggers are already waiting.")]
    public static partial void TriggerDropped(ILogger logger, string agentId, string conversationId, int pending);

    [LoggerMessage(13, LogLevel.Debug, "Message {Sequence} of conversation {ConversationId} is at chain depth {Depth}; the limit {Limit} stops further agent triggers.")]
    public static partial void ChainDepthReached(ILogger logger, string conversationId, long sequence, int depth, int limit);

    [LoggerMessage(14, LogLevel.Debug, "No flow engine is registered for agent {AgentId}; its trigger is ignored.")]
    public static partial void NoFlowEngine(ILogger logger, string agentId);

    [LoggerMessage(15, LogLevel.Error, "Routing triggers for conversation {ConversationId} failed.")]
    public static partial void RoutingFailed(ILogger logger, Exception exception, string conversationId);

    [LoggerMessage(20, LogLevel.Error, "Event handler {Handler} failed on {EventType}.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler, string eventType);

    [LoggerMessage(21, LogLevel.Warning, "Dropped {EventType} for event handlers: {Pending} events are already waiting.")]
    public static partial void HandlerEventDropped(ILogger logger, string eventType, int pending);

    [LoggerMessage(30, LogLevel.Warning, "Message {MessageId} of conversation {ConversationId} was left streaming by a previous run; marked failed.")]
    public static partial void StreamRecovered(ILogger logger, string messageId, string conversationId);

    [LoggerMessage(31, LogLevel.Error, "Publishing {EventType} failed.")]
    public static partial void PublishFailed(ILogger logger, Exception exception, string eventType);

    [LoggerMessage(32, LogLevel.Debug, "Subscriber of conversation {ConversationId} fell behind; catching up from sequence {Sequence}.")]
    public static partial void SubscriberCatchingUp(ILogger logger, string conversationId, long sequence);
}
