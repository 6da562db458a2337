using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>conversation.typing</c>: a participant started or stopped typing. Ephemeral: not stored.</summary>
public sealed class TypingEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.Typing;

    /// <summary>Gets a value indicating whether the participant is typing.</summary>
    public required bool IsTyping { get; init; }
}
