namespace Conversations.Transport;

/// <summary>What a subscription delivers: an event, or a marker that events were dropped.</summary>
public readonly struct EventBusItem
{
    /// <summary>Initializes a new instance of the <see cref="EventBusItem"/> struct carrying an event.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <exception cref="ArgumentNullException"><paramref name="conversationEvent"/> is <see langword="null"/>.</exception>
    public EventBusItem(ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        Event = conversationEvent;
    }

    /// <summary>Gets the marker saying the subscription's buffer overflowed and events were dropped.</summary>
    public static EventBusItem Overflow => default;

    /// <summary>Gets the event, or <see langword="null"/> for the overflow marker.</summary>
    public ConversationEvent? Event { get; }

    /// <summary>Gets a value indicating whether this is the overflow marker.</summary>
    public bool IsOverflow => Event is null;
}
