using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>room.participant_added</c>.</summary>
public sealed class ParticipantAddedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.ParticipantAdded;

    /// <summary>Gets the participant who joined.</summary>
    public required Participant Participant { get; init; }
}
