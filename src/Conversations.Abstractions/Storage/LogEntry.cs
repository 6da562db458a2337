namespace Conversations.Storage;

/// <summary>One change in a conversation's log.</summary>
/// <param name="Sequence">The change's sequence.</param>
/// <param name="Kind">What changed.</param>
/// <param name="Message">The message as it is now.</param>
/// <param name="Timestamp">When the change was stored.</param>
public readonly record struct LogEntry(long Sequence, LogEntryKind Kind, Message Message, DateTimeOffset Timestamp);
