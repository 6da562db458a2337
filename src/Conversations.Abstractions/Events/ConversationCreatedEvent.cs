using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>conversation.created</c>.</summary>
public sealed class ConversationCreatedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.ConversationCreated;

    /// <summary>Gets the conversation.</summary>
    public required Conversation Conversation { get; init; }
}
