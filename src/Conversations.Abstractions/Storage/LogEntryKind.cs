namespace Conversations.Storage;

/// <summary>What a <see cref="LogEntry"/> records.</summary>
public enum LogEntryKind
{
    /// <summary>The message was appended.</summary>
    Posted = 0,

    /// <summary>The message was edited, or its stream completed or failed.</summary>
    Updated = 1,

    /// <summary>The message was deleted.</summary>
    Deleted = 2,
}
