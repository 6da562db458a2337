namespace Conversations.Transport;

/// <summary>Selects the events a subscription receives. With neither property set, every event.</summary>
public sealed class EventBusFilter
{
    /// <summary>Gets the filter that matches every event.</summary>
    public static EventBusFilter All { get; } = new();

    /// <summary>Gets the room whose events to receive, if limited to one room.</summary>
    public string? RoomId { get; init; }

    /// <summary>Gets the conversation whose events to receive, if limited to one conversation.</summary>
    public string? ConversationId { get; init; }

    /// <summary>Tells whether an event matches.</summary>
    /// <param name="conversationEvent">The event.</param>
    /// <returns><see langword="true"/> when it matches.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="conversationEvent"/> is <see langword="null"/>.</exception>
    public bool Matches(ConversationEvent conversationEvent)
    {
        ArgumentNullException.ThrowIfNull(conversationEvent);
        return (RoomId is null || string.Equals(RoomId, conversationEvent.RoomId, StringComparison.Ordinal))
            && (ConversationId is null || string.Equals(ConversationId, conversationEvent.ConversationId, StringComparison.Ordinal));
    }

    /// <summary>Tells whether a room and conversation match (for catch-up doorbells).</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="conversationId">The conversation, if any.</param>
    /// <returns><see langword="true"/> when they match.</returns>
    public bool Matches(string? roomId, string? conversationId) =>
        (RoomId is null || string.Equals(RoomId, roomId, StringComparison.Ordinal))
        && (ConversationId is null || string.Equals(ConversationId, conversationId, StringComparison.Ordinal));
}
