namespace Conversations;

/// <summary>Creates and lists conversations, and carries typing and read markers.</summary>
/// <remarks>Implementations are thread-safe. Only a room's participants (or the system) may use its conversations.</remarks>
public interface IConversationService
{
    /// <summary>Creates a conversation in a room and triggers the room's auto-respond agents.</summary>
    /// <param name="caller">The account asking; observers may not create conversations.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="request">The conversation's title; <see langword="null"/> for none.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The new conversation.</returns>
    Task<Conversation> CreateAsync(Account caller, string roomId, CreateConversationRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Gets a conversation.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The conversation, with its latest sequence.</returns>
    Task<Conversation> GetAsync(Account caller, string conversationId, CancellationToken cancellationToken = default);

    /// <summary>Lists a room's conversations, oldest first.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The conversations.</returns>
    Task<IReadOnlyList<Conversation>> ListAsync(Account caller, string roomId, CancellationToken cancellationToken = default);

    /// <summary>Announces that the caller started or stopped typing. Ephemeral: nothing is stored.</summary>
    /// <param name="caller">The participant typing.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="isTyping">Whether the caller is typing.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the event is published.</returns>
    Task SetTypingAsync(Account caller, string conversationId, bool isTyping, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the caller's read marker forward to <paramref name="sequence"/>. A marker never moves back: a
    /// lower sequence leaves it where it is and publishes nothing.
    /// </summary>
    /// <param name="caller">The participant reading.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="sequence">The highest sequence read; at most the conversation's latest sequence.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The marker after the call.</returns>
    Task<ReadMarker> MarkReadAsync(Account caller, string conversationId, long sequence, CancellationToken cancellationToken = default);

    /// <summary>Lists the read markers of a conversation's participants.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The markers.</returns>
    Task<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(Account caller, string conversationId, CancellationToken cancellationToken = default);
}
