namespace Conversations;

/// <summary>
/// Receives every event the engine publishes, pushed in publish order from a background queue. Register
/// with <c>AddEventHandler</c>.
/// </summary>
/// <remarks>
/// Handlers run one event at a time, in the order events were published in this process. An exception
/// thrown by a handler is logged and never fails the call that published the event. A handler that is
/// slower than the event rate fills a bounded queue; once it is full, events are dropped for handlers and
/// logged, so use <see cref="IMessageService.SubscribeAsync"/> where every log entry must be seen.
/// </remarks>
public interface IConversationEventHandler
{
    /// <summary>Handles one event.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    ValueTask HandleAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken);
}
