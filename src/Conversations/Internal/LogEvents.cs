using Conversations.Storage;

namespace Conversations.Internal;

/// <summary>Turns stored log entries back into the events announced when they were written.</summary>
internal static class LogEvents
{
    public static MessageLogEvent From(LogEntry entry) => entry.Kind switch
    {
        LogEntryKind.Posted => new MessagePostedEvent
        {
            RoomId = entry.Message.RoomId,
            ConversationId = entry.Message.ConversationId,
            ActorId = entry.Message.SenderId,
            Timestamp = entry.Timestamp,
            Sequence = entry.Sequence,
            Message = entry.Message,
            ChainDepth = entry.Message.ChainDepth,
        },
        LogEntryKind.Deleted => new MessageDeletedEvent
        {
            RoomId = entry.Message.RoomId,
            ConversationId = entry.Message.ConversationId,
            ActorId = entry.Message.SenderId,
            Timestamp = entry.Timestamp,
            Sequence = entry.Sequence,
            Message = entry.Message,
        },
        _ => new MessageUpdatedEvent
        {
            RoomId = entry.Message.RoomId,
            ConversationId = entry.Message.ConversationId,
            ActorId = entry.Message.SenderId,
            Timestamp = entry.Timestamp,
            Sequence = entry.Sequence,
            Message = entry.Message,
        },
    };
}
