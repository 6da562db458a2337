using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// <c>inbox.room_updated</c>: a room's entry changed — its last message, its unread count, the account's read position, or
/// its conversations. Carries the whole entry; replace what you hold when <see cref="InboxEntry.Version"/> is higher.
/// </summary>
public sealed class InboxRoomUpdatedEvent : InboxEvent
{
    /// <summary>The event's name.</summary>
    public const string Name = "inbox.room_updated";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => Name;

    /// <summary>Gets the room's entry as it is now.</summary>
    public required InboxEntry Entry { get; init; }
}
