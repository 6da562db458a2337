using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// A fact published after a change. The event bus only announces: the store stays the truth, and a
/// subscriber that missed events reads them back from the log.
/// </summary>
/// <remarks>
/// Serialized as JSON, an event carries its name in a <c>type</c> property (see <see cref="ConversationEventType"/>).
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(RoomCreatedEvent), "room.created")]
[JsonDerivedType(typeof(ParticipantAddedEvent), "room.participant_added")]
[JsonDerivedType(typeof(ParticipantRemovedEvent), "room.participant_removed")]
[JsonDerivedType(typeof(ParticipantUpdatedEvent), "room.participant_updated")]
[JsonDerivedType(typeof(ConversationCreatedEvent), "conversation.created")]
[JsonDerivedType(typeof(MessagePostedEvent), "conversation.message_posted")]
[JsonDerivedType(typeof(MessageUpdatedEvent), "conversation.message_updated")]
[JsonDerivedType(typeof(MessageDeletedEvent), "conversation.message_deleted")]
[JsonDerivedType(typeof(MessageDeltaEvent), "conversation.message_delta")]
[JsonDerivedType(typeof(MessageSnapshotEvent), "conversation.message_snapshot")]
[JsonDerivedType(typeof(TypingEvent), "conversation.typing")]
[JsonDerivedType(typeof(ReadEvent), "conversation.read")]
[JsonDerivedType(typeof(FlowFailedEvent), "conversation.flow_failed")]
[JsonDerivedType(typeof(MessageStopRequestedEvent), "conversation.message_stop_requested")]
public abstract class ConversationEvent
{
    private protected ConversationEvent()
    {
    }

    /// <summary>Gets the event's name.</summary>
    [JsonIgnore]
    public abstract ConversationEventType Type { get; }

    /// <summary>Gets the room the event happened in.</summary>
    public required string RoomId { get; init; }

    /// <summary>Gets the conversation the event happened in, for conversation events.</summary>
    public string? ConversationId { get; init; }

    /// <summary>Gets the account whose call caused the event.</summary>
    public required string ActorId { get; init; }

    /// <summary>Gets when the event happened, by the engine's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
