namespace Conversations;

/// <summary><c>conversation.message_updated</c>: a message was edited, or its stream completed or failed.</summary>
public sealed class MessageUpdatedEvent : MessageLogEvent
{
    /// <inheritdoc />
    public override ConversationEventType Type => ConversationEventType.MessageUpdated;
}
