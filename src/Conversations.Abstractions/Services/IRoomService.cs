namespace Conversations;

/// <summary>Creates, finds and watches rooms.</summary>
/// <remarks>
/// Implementations are thread-safe. Every member authorizes <c>caller</c> against the room's participants;
/// <see cref="Account.System"/> may act in any room. Refused calls throw a <see cref="ConversationsException"/>
/// and change nothing.
/// </remarks>
public interface IRoomService
{
    /// <summary>Creates a standard room with its first participants.</summary>
    /// <param name="caller">The account creating the room. Unless it is the system or listed, it joins as owner.</param>
    /// <param name="request">The room's name and first participants.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The new room.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> or <paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidArgumentException">A participant is malformed or listed twice.</exception>
    /// <exception cref="LimitExceededException">Too many participants.</exception>
    Task<Room> CreateRoomAsync(Account caller, CreateRoomRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Returns the direct room of a participant set, creating it on first use. The same set (in any order,
    /// duplicates ignored) always gives the same room, also under concurrent calls.
    /// </summary>
    /// <param name="caller">The account asking. Unless it is the system, it must be in the set.</param>
    /// <param name="participants">The participant set. Everyone in a direct room is a <see cref="ParticipantRole.Member"/>.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The direct room.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> or <paramref name="participants"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidArgumentException">The set has fewer than two accounts or a malformed one.</exception>
    /// <exception cref="ForbiddenException">The caller is not in the set.</exception>
    Task<Room> GetOrCreateDirectRoomAsync(Account caller, IReadOnlyList<ParticipantSpec> participants, CancellationToken cancellationToken = default);

    /// <summary>Gets a room the caller participates in.</summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The room.</returns>
    /// <exception cref="NotFoundException">No such room.</exception>
    /// <exception cref="ForbiddenException">The caller is not a participant.</exception>
    Task<Room> GetRoomAsync(Account caller, string roomId, CancellationToken cancellationToken = default);

    /// <summary>Lists the rooms the caller participates in, oldest first.</summary>
    /// <param name="caller">The account asking; the system account has no rooms of its own.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The rooms.</returns>
    Task<IReadOnlyList<Room>> ListRoomsAsync(Account caller, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams a room's live events (participants added, updated and removed, conversations created) until
    /// cancelled, or until the caller leaves the room. Room events are not replayed; read the room's state
    /// after subscribing to catch up.
    /// </summary>
    /// <param name="caller">The account asking.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<ConversationEvent> SubscribeAsync(Account caller, string roomId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads a page of the caller's inbox: its rooms by last activity (newest first), each with its latest message, the number
    /// of messages others posted after the caller's read markers, and the caller's read position in each conversation.
    /// </summary>
    /// <param name="caller">The account whose inbox to read; not the system account.</param>
    /// <param name="query">The page; <see langword="null"/> for the first 50 entries.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidArgumentException">The caller is the system account, the limit is out of range, or the cursor is malformed.</exception>
    Task<InboxPage> GetInboxAsync(Account caller, InboxQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Follows the caller's inbox. First, for every room whose entry differs from <paramref name="knownVersions"/>, an
    /// <see cref="InboxRoomAddedEvent"/> (not known) or <see cref="InboxRoomUpdatedEvent"/> (known at another version), newest
    /// activity first, and an <see cref="InboxRoomRemovedEvent"/> for each known room the caller is no longer in; then live:
    /// rooms the caller joins and leaves, and entries whose last message, unread count or read position changed. Entries are
    /// read from the store whenever the bus rings for one of the caller's rooms, so a subscriber that resubscribes with the
    /// versions it holds misses nothing and gets nothing twice.
    /// </summary>
    /// <param name="caller">The account whose inbox to follow; not the system account.</param>
    /// <param name="knownVersions">The entries the caller already holds, as room id to <see cref="InboxEntry.Version"/>; <see langword="null"/> or empty for none.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The events, until cancelled.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidArgumentException">The caller is the system account, or a known room id or version is malformed.</exception>
    /// <exception cref="LimitExceededException"><paramref name="knownVersions"/> lists more rooms than <c>ConversationsOptions.MaxInboxKnownRooms</c>.</exception>
    IAsyncEnumerable<InboxEvent> SubscribeInboxAsync(Account caller, IReadOnlyDictionary<string, long>? knownVersions = null, CancellationToken cancellationToken = default);
}
