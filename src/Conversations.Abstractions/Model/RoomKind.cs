namespace Conversations;

/// <summary>The kind of a <see cref="Room"/>.</summary>
public enum RoomKind
{
    /// <summary>Participants are added and removed by the room's owners and admins.</summary>
    Standard = 0,

    /// <summary>
    /// A direct room: its participant set is fixed at creation, and the same set always maps to the same room.
    /// </summary>
    Direct = 1,
}
