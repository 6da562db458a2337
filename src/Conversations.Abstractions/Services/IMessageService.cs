namespace Conversations;

/// <summary>Posts, edits, deletes, streams, reads and follows the messages of a conversation.</summary>
/// <remarks>
/// Implementations are thread-safe. Every change gets the conversation's next sequence number inside the
/// store's write, and a call returns only after the store made it durable. Observers read but do not post;
/// senders edit and delete their own messages, admins and owners anyone's.
/// </remarks>
public interface IMessageService
{
    /// <summary>
    /// Posts a message. When the caller already posted <see cref="PostMessageRequest.ClientMessageId"/> in this
    /// conversation, returns that message and publishes nothing.
    /// </summary>
    /// <param name="caller">The sender.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="request">The message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stored message, with its sequence.</returns>
    /// <exception cref="LimitExceededException">Text, attachments or data exceed the configured limits.</exception>
    /// <exception cref="InvalidArgumentException">The message is empty, its data is not a JSON object or array, or it replies to an unknown message.</exception>
    Task<Message> PostAsync(Account caller, string conversationId, PostMessageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Edits a message's content.</summary>
    /// <param name="caller">The sender, or an admin or owner.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="request">The changes.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The message after the edit, with the change's sequence in <see cref="Message.LastSequence"/>.</returns>
    /// <exception cref="ConflictException">The message is deleted or still streaming.</exception>
    Task<Message> EditAsync(Account caller, string conversationId, string messageId, EditMessageRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a message: it keeps its place in the history and loses its content.</summary>
    /// <param name="caller">The sender, or an admin or owner.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The deleted message.</returns>
    /// <exception cref="ConflictException">The message is already deleted.</exception>
    Task<Message> DeleteAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>Reads a page of history.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="query">The page to read; <see langword="null"/> for the latest messages.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page, in ascending sequence order.</returns>
    Task<MessagePage> GetHistoryAsync(Account caller, string conversationId, HistoryQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Follows a conversation: first every log change after <paramref name="afterSequence"/> read from the
    /// store, then live changes, each exactly once and in sequence order, with live deltas, typing and read
    /// events between them. A subscriber that falls behind re-reads what it missed from the store.
    /// </summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="afterSequence">The last sequence the caller has seen; 0 for the whole log.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events. The sequence ends when cancelled or when the caller leaves the room.</returns>
    IAsyncEnumerable<ConversationEvent> SubscribeAsync(Account caller, string conversationId, long afterSequence = 0, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a streamed message. It is posted at once with status <see cref="MessageStatus.Streaming"/>;
    /// chunks appended to the returned stream reach subscribers as <c>conversation.message_delta</c> events;
    /// completing stores the whole text once.
    /// </summary>
    /// <param name="caller">The sender.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="request">The message's format, data and reply-to; <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The open stream. Dispose it to fail the message if it was neither completed nor failed.</returns>
    Task<MessageStream> BeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops a message that is streaming: it is stored with the text that arrived so far and status
    /// <see cref="MessageStatus.Stopped"/>, and the agent flow writing it is cancelled (its trigger counts as done, it is not
    /// retried). The engine that writes the stream stops it, also when that is another engine sharing the store and the bus.
    /// </summary>
    /// <param name="caller">A member of the room (as for posting): any member may stop an agent's reply; a person's stream only its sender, an admin or an owner.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The streaming message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stopped message.</returns>
    /// <exception cref="ConflictException">The message is not streaming (it completed, failed or was stopped first).</exception>
    /// <exception cref="UnavailableException">Another engine writes the stream and did not confirm the stop within <c>ConversationsOptions.StopTimeout</c>.</exception>
    Task<Message> StopAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks the agent that wrote <paramref name="messageId"/> to answer the message it replied to again. The old reply is
    /// replaced: it is deleted (it keeps its place as a deleted message), and in the same store write the agent is owed a
    /// <see cref="FlowTriggerKind.Regenerate"/> run, which posts the new reply at the end of the conversation, replying to the
    /// same message. Exactly once: the run is durable like any trigger, its replies get client message ids derived from the
    /// delete's sequence, and a second request for the same reply is refused with <see cref="ConflictException"/>.
    /// </summary>
    /// <param name="caller">A member of the room (as for posting).</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The agent's reply to replace.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The replaced reply, now deleted.</returns>
    /// <exception cref="InvalidArgumentException">The message is not an agent's reply to a message.</exception>
    /// <exception cref="ConflictException">The reply is deleted (already replaced), still streaming, the message it answered is deleted, or the agent no longer auto-responds in the room.</exception>
    /// <exception cref="UnavailableException">The store cannot record a regeneration (see <c>ConversationStore.UpdateMessageWithTriggerAsync</c>).</exception>
    Task<Message> RegenerateAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default);
}
