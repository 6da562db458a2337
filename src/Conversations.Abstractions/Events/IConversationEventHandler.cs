namespace Conversations;

/// <summary>
/// Receives the events of every engine that shares this engine's bus, pushed from a background queue. Register with
/// <c>AddEventHandler</c>.
/// </summary>
/// <remarks>
/// Handlers run one event at a time. A conversation's log events (<see cref="MessageLogEvent"/>) arrive once each, in
/// sequence order, from the conversation's start when it was created while this engine runs, else from the first of its
/// events this engine hears of. Entries dropped on the way — by a slow handler's full queue, or by the engine's bus
/// subscription when it overflowed — are read from the store once the queue empties; entries that arrive out of order,
/// at once. Live events (deltas, typing) are best effort: a handler slower than their rate loses the oldest. An exception
/// thrown by a handler is logged and never fails the call that published the event, nor reaches other handlers.
/// </remarks>
public interface IConversationEventHandler
{
    /// <summary>Handles one event.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    /// <returns>A task that completes when the event is handled.</returns>
    ValueTask HandleAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken);
}
