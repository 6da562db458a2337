namespace Conversations.Internal;

/// <summary>An <see cref="IRoomService"/> that takes a rate-limit permit before each direct-room request.</summary>
internal sealed class RateLimitedRoomService(IRoomService inner, Action<Account, RateLimitOperation> acquire) : IRoomService
{
    public Task<Room> GetOrCreateDirectRoomAsync(Account caller, IReadOnlyList<ParticipantSpec> participants, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        acquire(caller, RateLimitOperation.DirectRooms);
        return inner.GetOrCreateDirectRoomAsync(caller, participants, cancellationToken);
    }

    public Task<Room> CreateRoomAsync(Account caller, CreateRoomRequest request, CancellationToken cancellationToken = default) =>
        inner.CreateRoomAsync(caller, request, cancellationToken);

    public Task<Room> GetRoomAsync(Account caller, string roomId, CancellationToken cancellationToken = default) =>
        inner.GetRoomAsync(caller, roomId, cancellationToken);

    public Task<IReadOnlyList<Room>> ListRoomsAsync(Account caller, CancellationToken cancellationToken = default) =>
        inner.ListRoomsAsync(caller, cancellationToken);

    public IAsyncEnumerable<ConversationEvent> SubscribeAsync(Account caller, string roomId, CancellationToken cancellationToken = default) =>
        inner.SubscribeAsync(caller, roomId, cancellationToken);

    public Task<InboxPage> GetInboxAsync(Account caller, InboxQuery? query = null, CancellationToken cancellationToken = default) =>
        inner.GetInboxAsync(caller, query, cancellationToken);

    public IAsyncEnumerable<InboxEvent> SubscribeInboxAsync(Account caller, IReadOnlyDictionary<string, long>? knownVersions = null, CancellationToken cancellationToken = default) =>
        inner.SubscribeInboxAsync(caller, knownVersions, cancellationToken);
}
