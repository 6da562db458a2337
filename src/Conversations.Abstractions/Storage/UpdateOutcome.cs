namespace Conversations.Storage;

/// <summary>What <see cref="ConversationStore.UpdateMessageAsync"/> did.</summary>
public enum UpdateOutcome
{
    /// <summary>The change was stored at the conversation's next sequence.</summary>
    Updated = 0,

    /// <summary>No such message exists; nothing was stored.</summary>
    NotFound = 1,

    /// <summary>
    /// The stored message changed since the caller read it (its <see cref="Message.LastSequence"/> differs), or it is
    /// deleted; nothing was stored. <see cref="UpdateResult.Message"/> is the message as it is now.
    /// </summary>
    Conflict = 2,
}
