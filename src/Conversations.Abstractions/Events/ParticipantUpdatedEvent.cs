using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>room.participant_updated</c>: a participant's role, auto-respond flag or display name changed.</summary>
public sealed class ParticipantUpdatedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.ParticipantUpdated;

    /// <summary>Gets the participant as it is after the change.</summary>
    public required Participant Participant { get; init; }
}
