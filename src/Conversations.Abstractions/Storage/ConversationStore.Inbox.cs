namespace Conversations.Storage;

public abstract partial class ConversationStore
{
    private const int UnreadPageSize = 500;

    /// <summary>
    /// Reads what the inbox of <paramref name="accountId"/> shows: every room it participates in, each with its conversations,
    /// the latest message of each, the account's read marker and its unread count (messages by others above the marker, not
    /// deleted). In no particular order: the engine orders and pages.
    /// </summary>
    /// <remarks>
    /// The default implementation composes the core members (a few reads per conversation, counting unread messages page by
    /// page); providers override it with one query where they can.
    /// </remarks>
    /// <param name="accountId">The account.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The account's rooms.</returns>
    public virtual async ValueTask<IReadOnlyList<InboxRoomState>> GetInboxAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        var rooms = await GetRoomsForAccountAsync(accountId, cancellationToken).ConfigureAwait(false);
        var states = new List<InboxRoomState>(rooms.Count);
        foreach (var room in rooms)
        {
            if (await GetInboxRoomAsync(accountId, room.Id, cancellationToken).ConfigureAwait(false) is { } state)
            {
                states.Add(state);
            }
        }

        return states;
    }

    /// <summary>Reads one room of the inbox of <paramref name="accountId"/>; see <see cref="GetInboxAsync"/>.</summary>
    /// <remarks>The default implementation composes the core members; providers override it with one query where they can.</remarks>
    /// <param name="accountId">The account.</param>
    /// <param name="roomId">The room.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The room's state, or <see langword="null"/> when the room does not exist or the account is not in it.</returns>
    public virtual async ValueTask<InboxRoomState?> GetInboxRoomAsync(string accountId, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(roomId);
        var room = await GetRoomAsync(roomId, cancellationToken).ConfigureAwait(false);
        var membership = room is null ? null : await GetParticipantAsync(roomId, accountId, cancellationToken).ConfigureAwait(false);
        if (room is null || membership is null)
        {
            return null;
        }

        var conversations = await GetConversationsAsync(roomId, cancellationToken).ConfigureAwait(false);
        var states = new List<InboxConversationState>(conversations.Count);
        foreach (var conversation in conversations)
        {
            var latest = await GetMessagesAsync(conversation.Id, HistoryQuery.Latest(1), cancellationToken).ConfigureAwait(false);
            var markers = await GetReadMarkersAsync(conversation.Id, cancellationToken).ConfigureAwait(false);
            var read = markers.FirstOrDefault(m => string.Equals(m.AccountId, accountId, StringComparison.Ordinal))?.Sequence ?? 0;
            long unread = 0;
            for (var after = read; ;)
            {
                var page = await GetMessagesAsync(conversation.Id, new HistoryQuery { After = after, Limit = UnreadPageSize }, cancellationToken).ConfigureAwait(false);
                foreach (var message in page)
                {
                    if (!message.IsDeleted && !string.Equals(message.SenderId, accountId, StringComparison.Ordinal))
                    {
                        unread++;
                    }
                }

                if (page.Count < UnreadPageSize)
                {
                    break;
                }

                after = page[^1].Sequence;
            }

            states.Add(new InboxConversationState(conversation, latest.Count > 0 ? latest[^1] : null, read, unread));
        }

        return new InboxRoomState(room, membership, states);
    }
}
