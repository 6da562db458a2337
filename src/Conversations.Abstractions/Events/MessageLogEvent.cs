namespace Conversations;

/// <summary>
/// An event that records a change to a conversation's log. Its <see cref="Sequence"/> is the change's
/// place in the log: 1, 2, 3 … with no gaps and no repeats per conversation.
/// </summary>
public abstract class MessageLogEvent : ConversationEvent
{
    private protected MessageLogEvent()
    {
    }

    /// <summary>Gets the sequence number of this change in the conversation's log.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the message as it was after the change.</summary>
    public required Message Message { get; init; }
}
