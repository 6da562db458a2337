using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>room.created</c>: a room was created with its first participants.</summary>
public sealed class RoomCreatedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.RoomCreated;

    /// <summary>Gets the room.</summary>
    public required Room Room { get; init; }

    /// <summary>Gets the room's first participants.</summary>
    public required IReadOnlyList<Participant> Participants { get; init; }
}
