namespace Conversations;

/// <summary>How far a participant has read a conversation.</summary>
public sealed class ReadMarker
{
    /// <summary>Gets the conversation.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the reader's account identifier.</summary>
    public required string AccountId { get; init; }

    /// <summary>Gets the highest sequence number the participant has read.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets when the marker last moved.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
