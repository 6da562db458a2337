namespace Conversations.SampleHost;

internal static partial class Log
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Sample host ready: data folder {DataFolder}, store {Store}, agent mode {AgentMode}")]
    public static partial void Started(ILogger logger, string dataFolder, string store, string agentMode);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Demo sign-in (development only) as {AccountId}")]
    public static partial void SignedIn(ILogger logger, string accountId);

    [LoggerMessage(EventId = 502, Level = LogLevel.Debug, Message = "Demo agent {AgentId} answering in conversation {ConversationId} after sequence {Sequence}")]
    public static partial void AgentTriggered(ILogger logger, string agentId, string conversationId, long sequence);

    [LoggerMessage(EventId = 503, Level = LogLevel.Information, Message = "Guest token (development only) issued for {AccountId}")]
    public static partial void GuestTokenIssued(ILogger logger, string accountId);
}
