namespace Conversations;

/// <summary>A persistent container with participants and any number of conversations.</summary>
public sealed class Room
{
    /// <summary>Gets the room's identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the room's kind.</summary>
    public required RoomKind Kind { get; init; }

    /// <summary>Gets the room's display name, if it has one.</summary>
    public string? Name { get; init; }

    /// <summary>Gets the identifier of the account that created the room.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>Gets when the room was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}
