using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

internal static partial class Log
{
    [LoggerMessage(60, LogLevel.Debug, "The inbox subscription of {AccountId} fell behind the bus; reading the whole inbox again.")]
    public static partial void InboxResync(ILogger logger, string accountId);

    [LoggerMessage(61, LogLevel.Information, "{ActorId} stopped message {MessageId} in conversation {ConversationId}.")]
    public static partial void MessageStopped(ILogger logger, string actorId, string messageId, string conversationId);

    [LoggerMessage(62, LogLevel.Debug, "Message {MessageId} in conversation {ConversationId} is written by another engine; asked it to stop over the bus.")]
    public static partial void StopForwarded(ILogger logger, string messageId, string conversationId);

    [LoggerMessage(63, LogLevel.Warning, "Stopping message {MessageId} in conversation {ConversationId} for a request from the bus failed.")]
    public static partial void StopFailed(ILogger logger, Exception exception, string messageId, string conversationId);

    [LoggerMessage(64, LogLevel.Information, "{ActorId} asked agent {AgentId} to answer again in conversation {ConversationId}: reply {MessageId} was replaced.")]
    public static partial void ReplyRegenerated(ILogger logger, string actorId, string agentId, string conversationId, string messageId);

    [LoggerMessage(65, LogLevel.Information, "The flow of agent {AgentId} in conversation {ConversationId} (trigger {Sequence}) was stopped by a participant.")]
    public static partial void FlowStopped(ILogger logger, string agentId, string conversationId, long sequence);
}
