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

    [LoggerMessage(13, LogLevel.Debug, "A message of conversation {ConversationId} is at chain depth {Depth}; the limit {Limit} stops further agent triggers.")]
    public static partial void ChainDepthReached(ILogger logger, string conversationId, int depth, int limit);

    [LoggerMessage(14, LogLevel.Debug, "No flow engine is registered for agent {AgentId}; its trigger is ignored.")]
    public static partial void NoFlowEngine(ILogger logger, string agentId);

    [LoggerMessage(15, LogLevel.Error, "Claiming flow triggers failed; the next doorbell or poll tries again.")]
    public static partial void ClaimFailed(ILogger logger, Exception exception);

    [LoggerMessage(16, LogLevel.Warning, "The lease of agent {AgentId} on sequence {Sequence} of conversation {ConversationId} was lost; another engine runs it.")]
    public static partial void TriggerLeaseLost(ILogger logger, string agentId, string conversationId, long sequence);

    [LoggerMessage(17, LogLevel.Error, "Recording the end of agent {AgentId}'s attempt on sequence {Sequence} of conversation {ConversationId} failed; it runs again when its lease ends.")]
    public static partial void TriggerCompletionFailed(ILogger logger, Exception exception, string agentId, string conversationId, long sequence);

    [LoggerMessage(18, LogLevel.Debug, "Skipped the trigger of agent {AgentId} on sequence {Sequence} of conversation {ConversationId}: {Reason}.")]
    public static partial void TriggerSkipped(ILogger logger, string agentId, string conversationId, long sequence, string reason);

    [LoggerMessage(19, LogLevel.Warning, "Agent {AgentId} failed attempt {Attempt} on sequence {Sequence} of conversation {ConversationId}; retrying in {Delay}.")]
    public static partial void FlowRetrying(ILogger logger, string agentId, string conversationId, long sequence, int attempt, TimeSpan delay);

    [LoggerMessage(20, LogLevel.Error, "Event handler {Handler} failed on {EventType}.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string handler, string eventType);

    [LoggerMessage(21, LogLevel.Warning, "Event handlers' queue is full ({Capacity} events): dropped {EventType} of conversation {ConversationId}, whose entries will be read from the store once the queue empties.")]
    public static partial void HandlerEventDropped(ILogger logger, int capacity, string eventType, string conversationId);

    [LoggerMessage(25, LogLevel.Warning, "The engine's bus subscription overflowed: event handlers will read every conversation they follow from the store.")]
    public static partial void HandlerBusOverflowed(ILogger logger);

    [LoggerMessage(30, LogLevel.Warning, "Message {MessageId} of conversation {ConversationId} was left streaming by a writer whose lease ended; marked failed with the {Length} characters checkpointed.")]
    public static partial void StreamRecovered(ILogger logger, string messageId, string conversationId, int length);

    [LoggerMessage(31, LogLevel.Error, "Publishing {EventType} failed.")]
    public static partial void PublishFailed(ILogger logger, Exception exception, string eventType);

    [LoggerMessage(32, LogLevel.Debug, "Subscriber of conversation {ConversationId} fell behind; catching up from sequence {Sequence}.")]
    public static partial void SubscriberCatchingUp(ILogger logger, string conversationId, long sequence);

    [LoggerMessage(22, LogLevel.Error, "Event handlers could not catch up conversation {ConversationId} from the store; its next event tries again.")]
    public static partial void HandlerCatchUpFailed(ILogger logger, Exception exception, string conversationId);

    [LoggerMessage(23, LogLevel.Error, "Agent {AgentId} gave up sequence {Sequence} of conversation {ConversationId} after {Attempts} attempts ({Code}).")]
    public static partial void FlowGivenUp(ILogger logger, string agentId, string conversationId, long sequence, int attempts, string code);

    [LoggerMessage(24, LogLevel.Warning, "Renewing the lease of agent {AgentId} in conversation {ConversationId} failed; trying again at the next tick.")]
    public static partial void TriggerRenewalFailed(ILogger logger, Exception exception, string agentId, string conversationId);

    [LoggerMessage(33, LogLevel.Warning, "Dropped {EventType} on its way to the bus: {Limit} publishes are already waiting. Subscribers catch up from the store.")]
    public static partial void PublishDropped(ILogger logger, string eventType, int limit);

    [LoggerMessage(34, LogLevel.Error, "The engine's bus subscription failed; live doorbells stop until restart (the poll still finds work).")]
    public static partial void ListenerFailed(ILogger logger, Exception exception);

    [LoggerMessage(35, LogLevel.Debug, "A change to message {MessageId} of conversation {ConversationId} lost a race: read at {ReadSequence}, now at {CurrentSequence}.")]
    public static partial void ChangeConflicted(ILogger logger, string messageId, string conversationId, long readSequence, long currentSequence);

    [LoggerMessage(36, LogLevel.Warning, "The stream of message {MessageId} in conversation {ConversationId} is no longer this engine's (its lease ran out).")]
    public static partial void StreamLost(ILogger logger, string messageId, string conversationId);

    [LoggerMessage(37, LogLevel.Warning, "Checkpointing the stream of message {MessageId} in conversation {ConversationId} failed; the next checkpoint tries again.")]
    public static partial void CheckpointFailed(ILogger logger, Exception exception, string messageId, string conversationId);

    [LoggerMessage(38, LogLevel.Information, "Conversations engine started as {OwnerId}.")]
    public static partial void EngineStarted(ILogger logger, string ownerId);

    [LoggerMessage(39, LogLevel.Error, "The periodic sweep for streams whose writer is gone failed; the next one tries again.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);
}
