namespace Conversations;

/// <summary>One conversation of an <see cref="InboxEntry"/>: how far its log reached, and how far the account has read it.</summary>
public sealed class InboxConversation
{
    /// <summary>Gets the conversation's identifier.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the conversation's title, if it has one.</summary>
    public string? Title { get; init; }

    /// <summary>Gets the sequence of the latest change to the conversation's log (0 when it is empty).</summary>
    public required long LastSequence { get; init; }

    /// <summary>Gets the account's read marker in the conversation: the highest sequence it has read (0 when none).</summary>
    public required long ReadSequence { get; init; }

    /// <summary>Gets how many messages others posted in the conversation after <see cref="ReadSequence"/> (deleted ones left out).</summary>
    public required long UnreadCount { get; init; }

    /// <summary>Gets when the conversation was last active: its newest message, or its creation when it has none.</summary>
    public required DateTimeOffset LastActivityAt { get; init; }
}
