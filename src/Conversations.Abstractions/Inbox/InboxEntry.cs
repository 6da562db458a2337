namespace Conversations;

/// <summary>
/// One room in an account's inbox: when it was last active, its latest message, how much the account has not read, and how
/// far it has read each conversation.
/// </summary>
public sealed class InboxEntry
{
    /// <summary>Gets the room.</summary>
    public required Room Room { get; init; }

    /// <summary>Gets when the account joined the room.</summary>
    public required DateTimeOffset JoinedAt { get; init; }

    /// <summary>
    /// Gets when the room was last active for the account: the latest of its newest message, its newest conversation, and the
    /// moment the account joined. The inbox is ordered by it, newest first.
    /// </summary>
    public required DateTimeOffset LastActivityAt { get; init; }

    /// <summary>Gets the room's newest message (by posting time, across its conversations), or <see langword="null"/> when it has none.</summary>
    public MessagePreview? LastMessage { get; init; }

    /// <summary>
    /// Gets how many messages others posted after the account's read marker, summed over the room's conversations. Deleted
    /// messages do not count; edits and stream completions are not new messages.
    /// </summary>
    public required long UnreadCount { get; init; }

    /// <summary>Gets the room's conversations with the account's read position in each, oldest conversation first.</summary>
    public required IReadOnlyList<InboxConversation> Conversations { get; init; }

    /// <summary>
    /// Gets the entry's version: it grows with every change to the entry (a post, edit, delete or stream end in the room, a
    /// new conversation, the account reading further) and never goes back while the account stays in the room. A client
    /// keeps the version of each entry it holds and passes them when it subscribes again, so it gets only what changed.
    /// </summary>
    public required long Version { get; init; }
}
