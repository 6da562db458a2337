namespace Conversations.Transport;

/// <summary>What a subscription delivers: an event, a catch-up doorbell, or a marker that items were dropped.</summary>
public readonly struct EventBusItem
{
    /// <summary>Initializes a new instance of the <see cref="EventBusItem"/> struct carrying an event.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <exception cref="ArgumentNullException"><paramref name="conversationEvent"/> is <see langword="null"/>.</exception>
    public EventBusItem(ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        Event = conversationEvent;
        RoomId = conversationEvent.RoomId;
        ConversationId = conversationEvent.ConversationId;
        Sequence = conversationEvent is MessageLogEvent logged ? logged.Sequence : 0;
        Kind = EventBusItemKind.Event;
    }

    private EventBusItem(string roomId, string conversationId, long sequence)
    {
        RoomId = roomId;
        ConversationId = conversationId;
        Sequence = sequence;
        Kind = EventBusItemKind.CatchUp;
    }

    /// <summary>Gets the marker saying the subscription's buffer overflowed and items were dropped.</summary>
    public static EventBusItem Overflow => default;

    /// <summary>Gets what the item carries.</summary>
    public EventBusItemKind Kind { get; }

    /// <summary>Gets the event, for <see cref="EventBusItemKind.Event"/>.</summary>
    public ConversationEvent? Event { get; }

    /// <summary>Gets the room, for events and catch-up doorbells.</summary>
    public string? RoomId { get; }

    /// <summary>Gets the conversation, for conversation events and catch-up doorbells.</summary>
    public string? ConversationId { get; }

    /// <summary>Gets the log sequence the conversation reached, for log events and catch-up doorbells; otherwise 0.</summary>
    public long Sequence { get; }

    /// <summary>Gets a value indicating whether this is the overflow marker.</summary>
    public bool IsOverflow => Kind == EventBusItemKind.Overflow;

    /// <summary>Creates a catch-up doorbell: the conversation's log reached <paramref name="sequence"/>; read it from the store.</summary>
    /// <param name="roomId">The conversation's room.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="sequence">The sequence it reached; 0 when unknown (read whatever is new).</param>
    /// <returns>The doorbell.</returns>
    /// <exception cref="ArgumentException"><paramref name="roomId"/> or <paramref name="conversationId"/> is null or empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sequence"/> is negative.</exception>
    public static EventBusItem CatchUp(string roomId, string conversationId, long sequence)
    {
        ArgumentException.ThrowIfNullOrEmpty(roomId);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        ArgumentOutOfRangeException.ThrowIfNegative(sequence);
        return new EventBusItem(roomId, conversationId, sequence);
    }
}
