namespace Conversations.Protocol;

/// <summary>The kinds of message event, as the wire's readers tell them apart.</summary>
internal enum MessageLogKind
{
    None,
    Posted,
    Updated,
    Deleted,
}

/// <summary>
/// Makes a message event read from the wire — a JSON event frame or a compact record — filling in what both leave out:
/// the actor and the time are the message's sender and creation time unless given.
/// </summary>
internal static class MessageLogEvents
{
    public static MessageLogEvent Create(MessageLogKind kind, string roomId, string? conversationId, string? actorId, DateTimeOffset? timestamp, long sequence, Message message, int chainDepth, int triggerCount)
    {
        var actor = actorId ?? message.SenderId;
        var at = timestamp ?? message.CreatedAt;
        return kind switch
        {
            MessageLogKind.Posted => new MessagePostedEvent
            {
                RoomId = roomId,
                ConversationId = conversationId,
                ActorId = actor,
                Timestamp = at,
                Sequence = sequence,
                Message = message,
                ChainDepth = chainDepth,
                TriggerCount = triggerCount,
            },
            MessageLogKind.Updated => new MessageUpdatedEvent { RoomId = roomId, ConversationId = conversationId, ActorId = actor, Timestamp = at, Sequence = sequence, Message = message },
            MessageLogKind.Deleted => new MessageDeletedEvent { RoomId = roomId, ConversationId = conversationId, ActorId = actor, Timestamp = at, Sequence = sequence, Message = message },
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a message event."),
        };
    }
}
