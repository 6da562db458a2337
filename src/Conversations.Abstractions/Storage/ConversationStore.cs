namespace Conversations.Storage;

/// <summary>
/// The storage SPI: where rooms, participants, conversations, messages and read markers live. Implement it
/// to add a storage provider, and prove the implementation with the conformance suite in
/// <c>Conversations.Testing</c>.
/// </summary>
/// <remarks>
/// <para>
/// Implementations must be thread-safe, and keep these rules whatever the concurrency, also across
/// processes that share the storage:
/// </para>
/// <list type="bullet">
/// <item>Every append or update of a message takes the conversation's next sequence (1, 2, 3 … no gaps,
/// no repeats) inside the same atomic write that stores the change.</item>
/// <item>An append whose (conversation, sender, client message id) was already stored returns the stored
/// message and stores nothing.</item>
/// <item>One room per direct key: concurrent calls with the same key return the same room.</item>
/// <item>A method returns only after its change is durable.</item>
/// <item>A change to a stored message is written only if the message is still at the <see cref="Message.LastSequence"/>
/// the caller read, and a deleted message never changes again.</item>
/// <item>Flow triggers are recorded in the same atomic write as the message or conversation that causes them, and are
/// leased lane by lane: only the lowest pending trigger of a (conversation, agent) lane can be leased.</item>
/// </list>
/// <para>
/// The services validate and authorize before they call the store; the store trusts its arguments apart
/// from the rules above. Core members are abstract; members added in later versions will be virtual.
/// </para>
/// </remarks>
public abstract partial class ConversationStore
{
    /// <summary>Prepares the store (creates or upgrades its schema). Called once at start-up; must be idempotent.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the store is ready.</returns>
    public virtual ValueTask InitializeAsync(CancellationToken cancellationToken) => default;

    /// <summary>Stores a new room with its first participants, atomically.</summary>
    /// <param name="room">The room.</param>
    /// <param name="participants">The first participants.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the room is durable.</returns>
    public abstract ValueTask CreateRoomAsync(Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the direct room stored under <paramref name="directKey"/>, or stores <paramref name="room"/>
    /// with <paramref name="participants"/> under that key, atomically.
    /// </summary>
    /// <param name="directKey">The canonical participant set.</param>
    /// <param name="room">The room to store if none exists.</param>
    /// <param name="participants">Its participants.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The room under the key, and whether this call created it.</returns>
    public abstract ValueTask<DirectRoomResult> GetOrCreateDirectRoomAsync(string directKey, Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken);

    /// <summary>Gets a room.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The room, or <see langword="null"/>.</returns>
    public abstract ValueTask<Room?> GetRoomAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>Lists the rooms an account participates in, ordered by room id (ordinal).</summary>
    /// <param name="accountId">The account.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The rooms.</returns>
    public abstract ValueTask<IReadOnlyList<Room>> GetRoomsForAccountAsync(string accountId, CancellationToken cancellationToken);

    /// <summary>Gets one participant.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="accountId">The account.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The participant, or <see langword="null"/>.</returns>
    public abstract ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken);

    /// <summary>Lists a room's participants in the order they joined.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The participants; empty for an unknown room.</returns>
    public abstract ValueTask<IReadOnlyList<Participant>> GetParticipantsAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>Adds a participant.</summary>
    /// <param name="participant">The participant.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the account already participates (nothing is changed).</returns>
    public abstract ValueTask<bool> AddParticipantAsync(Participant participant, CancellationToken cancellationToken);

    /// <summary>Replaces a participant's role, auto-respond flag and display name.</summary>
    /// <param name="participant">The participant as it should be.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when no such participant exists.</returns>
    public abstract ValueTask<bool> UpdateParticipantAsync(Participant participant, CancellationToken cancellationToken);

    /// <summary>Removes a participant.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="accountId">The account.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when no such participant exists.</returns>
    public abstract ValueTask<bool> RemoveParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores a new conversation and, in the same atomic write, a <see cref="FlowTriggerKind.ConversationCreated"/>
    /// trigger (sequence 0) for each auto-respond agent participant of the room other than its creator.
    /// </summary>
    /// <param name="conversation">The conversation, with <see cref="Conversation.LastSequence"/> 0.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>A task that completes when the conversation is durable.</returns>
    public abstract ValueTask CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken);

    /// <summary>Gets a conversation with its current <see cref="Conversation.LastSequence"/>.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The conversation, or <see langword="null"/>.</returns>
    public abstract ValueTask<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Lists a room's conversations ordered by creation (then id).</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The conversations.</returns>
    public abstract ValueTask<IReadOnlyList<Conversation>> GetConversationsAsync(string roomId, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a message to its conversation's log. The store sets <see cref="Message.Sequence"/> and
    /// <see cref="Message.LastSequence"/> to the conversation's next sequence, ignoring the values passed.
    /// When the same sender already stored the same non-null <see cref="Message.ClientMessageId"/> in the
    /// conversation, returns that message with <see cref="AppendResult.Created"/> <see langword="false"/>, and
    /// stores nothing (no sequence is used up).
    /// </summary>
    /// <remarks>
    /// In the same atomic write the store records what <paramref name="options"/> asks for: a
    /// <see cref="FlowTriggerKind.MessagePosted"/> trigger for each auto-respond agent participant other than the sender
    /// (keyed by the message's sequence, carrying its id and <see cref="Message.ChainDepth"/>), and the owner's lease of a
    /// streaming message.
    /// <para>
    /// Call order is sequence order: appends to one conversation are numbered in the order the calls were made, whether
    /// or not the earlier calls have completed. An implementation fixes a message's place (for example, queues it for
    /// its writer) before the call returns; the engine relies on this to let one client pipeline its posts and still have
    /// them numbered in the order it sent them.
    /// </para>
    /// </remarks>
    /// <param name="message">The message.</param>
    /// <param name="options">What to record with it.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The stored message, whether this call stored it, and how many triggers it recorded.</returns>
    public abstract ValueTask<AppendResult> AppendMessageAsync(Message message, AppendOptions options, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the mutable fields of a stored message (text, format, attachments, data, status, edited and
    /// deleted times) and records the change at the conversation's next sequence, which becomes the
    /// message's <see cref="Message.LastSequence"/> — but only if the stored message is still at the
    /// <see cref="Message.LastSequence"/> carried by <paramref name="message"/> (compare and swap) and is not deleted.
    /// The change is a <see cref="LogEntryKind.Deleted"/> entry when <see cref="Message.DeletedAt"/> is set, otherwise
    /// <see cref="LogEntryKind.Updated"/>. A change that ends a stream (status other than streaming) also ends its lease.
    /// </summary>
    /// <param name="message">The message as it should be; identified by its conversation and id, and carrying the
    /// <see cref="Message.LastSequence"/> the caller read.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>
    /// <see cref="UpdateOutcome.Updated"/> with the stored message; <see cref="UpdateOutcome.Conflict"/> with the message as
    /// it is now when it changed meanwhile or is deleted (nothing is stored); <see cref="UpdateOutcome.NotFound"/>.
    /// </returns>
    public abstract ValueTask<UpdateResult> UpdateMessageAsync(Message message, CancellationToken cancellationToken);

    /// <summary>Gets a message.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The message, or <see langword="null"/>.</returns>
    public abstract ValueTask<Message?> GetMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Reads up to <see cref="HistoryQuery.Limit"/> messages by <see cref="Message.Sequence"/>: after
    /// <see cref="HistoryQuery.After"/> the earliest ones, otherwise the latest ones before
    /// <see cref="HistoryQuery.Before"/> (or overall). Always returned in ascending order.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="query">The page.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The messages.</returns>
    public abstract ValueTask<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, HistoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Reads the conversation's change log after <paramref name="afterSequence"/>, in sequence order: one entry
    /// per post, update and delete, each with the message as it is now.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="afterSequence">The exclusive lower bound.</param>
    /// <param name="limit">The most entries to return.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The entries.</returns>
    public abstract ValueTask<IReadOnlyList<LogEntry>> ReadLogAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken);


    /// <summary>
    /// Moves a read marker forward. A marker never moves back: when the stored sequence is already at least
    /// <see cref="ReadMarker.Sequence"/>, nothing changes.
    /// </summary>
    /// <param name="marker">The marker.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The stored marker, and whether it moved.</returns>
    public abstract ValueTask<ReadMarkerResult> SetReadMarkerAsync(ReadMarker marker, CancellationToken cancellationToken);

    /// <summary>Lists a conversation's read markers.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The markers.</returns>
    public abstract ValueTask<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Returns a provider-specific service (a connection factory, diagnostics), or <see langword="null"/>.</summary>
    /// <param name="serviceType">The type of service asked for.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this) ? this : null;
    }
}
