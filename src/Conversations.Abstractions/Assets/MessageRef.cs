namespace Conversations;

/// <summary>
/// Names the message through which a caller reaches an asset. An asset from someone's own space that is attached to a
/// message is readable by the participants of that message's room while the message exists.
/// </summary>
public sealed class MessageRef
{
    /// <summary>Gets or sets the conversation.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets or sets the message.</summary>
    public required string MessageId { get; init; }
}
