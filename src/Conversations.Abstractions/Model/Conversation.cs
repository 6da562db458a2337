namespace Conversations;

/// <summary>A thread inside a room, with its own ordered log of messages.</summary>
public sealed class Conversation
{
    /// <summary>Gets the conversation's identifier.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the room the conversation belongs to.</summary>
    public required string RoomId { get; init; }

    /// <summary>Gets the conversation's title, if it has one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the identifier of the account that created the conversation.</summary>
    public required string CreatedBy { get; init; }

    /// <summary>Gets when the conversation was created.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>
    /// Gets the sequence number of the latest change to the conversation's log (0 when the log is empty).
    /// </summary>
    public long LastSequence { get; init; }
}
