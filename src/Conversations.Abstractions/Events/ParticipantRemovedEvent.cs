using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>room.participant_removed</c>.</summary>
public sealed class ParticipantRemovedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.ParticipantRemoved;

    /// <summary>Gets the account that left the room.</summary>
    public required string AccountId { get; init; }
}
