using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>inbox.room_removed</c>: the account left the room or was removed from it.</summary>
public sealed class InboxRoomRemovedEvent : InboxEvent
{
    /// <summary>The event's name.</summary>
    public const string Name = "inbox.room_removed";

    /// <inheritdoc />
    [JsonIgnore]
    public override string Type => Name;
}
