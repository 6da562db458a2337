using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>conversation.read</c>: a participant's read marker moved forward.</summary>
public sealed class ReadEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.Read;

    /// <summary>Gets the highest sequence the participant has read.</summary>
    public required long Sequence { get; init; }
}
