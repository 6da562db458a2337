namespace Conversations.Transport;

/// <summary>
/// The event-bus SPI: announces events to subscribers. The bus is a doorbell, not a log: the store stays
/// the truth, and subscribers re-read from the store whatever the bus could not deliver.
/// </summary>
/// <remarks>
/// <para>
/// Implementations are thread-safe. <see cref="PublishAsync"/> must never wait for a slow subscriber:
/// each subscription has a bounded buffer, and when it is full the bus drops the event for that
/// subscription and delivers one <see cref="EventBusItem.Overflow"/> marker instead, so the subscriber
/// knows to catch up from the store.
/// </para>
/// <para>
/// Log events (<see cref="MessageLogEvent"/>) are doorbells: "conversation X reached sequence s". A bus that cannot
/// carry an event whole (size, a lost connection) may deliver <see cref="EventBusItem.CatchUp"/> instead, and must deliver
/// one for each conversation it may have missed events of (after a reconnect, say); subscribers then read the log from
/// the store. Live events (deltas, typing, read markers, room events) are best effort. The engine publishes off the
/// acknowledgement path, so a slow bus delays live delivery but never a write.
/// </para>
/// </remarks>
public abstract class ConversationEventBus
{
    /// <summary>Delivers an event to every matching subscription.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the event is handed to the subscriptions' buffers.</returns>
    public abstract ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a subscription, and completes once it is live: every event published after the returned task completes
    /// reaches it (or its overflow or catch-up marker). Callers read the store only after that, so nothing committed in
    /// between can be missed. Dispose the subscription to stop receiving.
    /// </summary>
    /// <param name="filter">Which events to receive.</param>
    /// <param name="capacity">How many undelivered items the subscription may buffer before it overflows.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The live subscription.</returns>
    public abstract ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken);

    /// <summary>Returns a provider-specific service, or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
