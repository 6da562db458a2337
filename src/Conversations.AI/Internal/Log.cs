using Microsoft.Extensions.Logging;

namespace Conversations.AI.Internal;

internal static partial class Log
{
    [LoggerMessage(400, LogLevel.Debug, "Agent {AgentId} asks its model in conversation {ConversationId} with {Turns} turns of history.")]
    public static partial void Requesting(ILogger logger, string agentId, string conversationId, int turns);

    [LoggerMessage(401, LogLevel.Warning, "The model of agent {AgentId} failed in conversation {ConversationId}; the reply ends failed.")]
    public static partial void ModelFailed(ILogger logger, Exception exception, string agentId, string conversationId);

    [LoggerMessage(402, LogLevel.Debug, "Agent {AgentId} could not read attachment {AssetId}; it is described in text only.")]
    public static partial void AttachmentSkipped(ILogger logger, Exception exception, string assetId, string agentId);
}
