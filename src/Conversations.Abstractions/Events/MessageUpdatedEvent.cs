using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>conversation.message_updated</c>: a message was edited, or its stream completed or failed.</summary>
public sealed class MessageUpdatedEvent : MessageLogEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.MessageUpdated;
}
