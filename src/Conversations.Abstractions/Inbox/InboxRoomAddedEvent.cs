using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>inbox.room_added</c>: the account joined a room (was added, created it, or opened a direct room), or — when subscribing — a room the subscriber did not list as known.</summary>
public sealed class InboxRoomAddedEvent : InboxEvent
{
    /// <summary>The event's name.</summary>
    public const string Name = "inbox.room_added";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => Name;

    /// <summary>Gets the room's entry.</summary>
    public required InboxEntry Entry { get; init; }
}
