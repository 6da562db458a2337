using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// A change to an account's inbox, delivered by <see cref="IRoomService.SubscribeInboxAsync"/>. Inbox events are the
/// account's own view, read from the store when something happened in one of its rooms; they are never published on the bus.
/// </summary>
/// <remarks>Serialized as JSON, an event carries its name in a <c>type</c> property: <c>inbox.room_added</c>, <c>inbox.room_updated</c>, <c>inbox.room_removed</c>.</remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type", UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization)]
[JsonDerivedType(typeof(InboxRoomAddedEvent), InboxRoomAddedEvent.Name)]
[JsonDerivedType(typeof(InboxRoomUpdatedEvent), InboxRoomUpdatedEvent.Name)]
[JsonDerivedType(typeof(InboxRoomRemovedEvent), InboxRoomRemovedEvent.Name)]
public abstract class InboxEvent
{
    private protected InboxEvent()
    {
    }

    /// <summary>Gets the event's name.</summary>
    [JsonIgnore]
    public abstract string Type { get; }

    /// <summary>Gets the room the event is about.</summary>
    public required string RoomId { get; init; }

    /// <summary>Gets when the engine noticed the change, by its <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }
}
