using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>conversation.message_deleted</c>: a message was deleted; it keeps its place without its content.</summary>
public sealed class MessageDeletedEvent : MessageLogEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.MessageDeleted;
}
