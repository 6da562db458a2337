using Conversations.Storage;
using Npgsql;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql;

// The inbox (two queries in one read-only repeatable-read transaction, so rooms and conversations come from one snapshot)
// and changes that record a flow trigger (regeneration).
public sealed partial class PostgreSqlConversationStore
{
    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<InboxRoomState>> GetInboxAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return new(ReadAsync<IReadOnlyList<InboxRoomState>>((c, ct) => ReadInboxAsync(c, accountId, roomId: null, ct), cancellationToken));
    }

    /// <inheritdoc />
    public override async ValueTask<InboxRoomState?> GetInboxRoomAsync(string accountId, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(roomId);
        var states = await ReadAsync((c, ct) => ReadInboxAsync(c, accountId, roomId, ct), cancellationToken).ConfigureAwait(false);
        return states.Count == 1 ? states[0] : null;
    }

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageWithTriggerAsync(Message message, TriggerSpec trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(trigger);
        return new(ChangeMessageAsync(
            message.ConversationId,
            message.Id,
            (current, _) => current.IsDeleted || current.LastSequence != message.LastSequence ? null : message,
            cancellationToken,
            trigger));
    }

    private async Task<IReadOnlyList<InboxRoomState>> ReadInboxAsync(NpgsqlConnection connection, string accountId, string? roomId, CancellationToken cancellationToken)
    {
        var rooms = new Dictionary<string, (Room Room, Participant Membership, List<InboxConversationState> Conversations)>(StringComparer.Ordinal);
        using var batch = new NpgsqlBatch(connection) { Timeout = _commandTimeout };
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));

        // The account's rooms: room columns, then its membership.
        batch.BatchCommands.Add(BatchCommand(
            $"SELECT {RoomColumns}, {ParticipantColumns} FROM {_s}.participants p JOIN {_s}.rooms r ON r.id = p.room_id " +
            "WHERE p.account_id = $1 AND ($2::text IS NULL OR p.room_id = $2)",
            P(accountId), P(roomId)));

        // Each conversation of those rooms: the account's read marker, the messages by others above it (not deleted), and the
        // latest message (the primary key's order, read backwards).
        batch.BatchCommands.Add(BatchCommand(
            $"SELECT {ConversationColumns}, coalesce(rm.sequence, 0), " +
            $"(SELECT count(*) FROM {_s}.messages u WHERE u.conversation_id = c.id AND u.sequence > coalesce(rm.sequence, 0) AND u.sender_id <> $1 AND u.deleted_at IS NULL), " +
            $"{MessageColumns} FROM {_s}.participants p JOIN {_s}.conversations c ON c.room_id = p.room_id " +
            $"LEFT JOIN {_s}.read_markers rm ON rm.conversation_id = c.id AND rm.account_id = $1 " +
            $"LEFT JOIN LATERAL (SELECT * FROM {_s}.messages l WHERE l.conversation_id = c.id ORDER BY l.sequence DESC LIMIT 1) m ON true " +
            "WHERE p.account_id = $1 AND ($2::text IS NULL OR p.room_id = $2) ORDER BY c.room_id COLLATE \"C\", c.created_at, c.id COLLATE \"C\"",
            P(accountId), P(roomId)));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (reader.FieldCount == 0 && await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }

            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var room = ReadRoom(reader);
                var membership = new Participant
                {
                    RoomId = reader.GetString(5),
                    AccountId = reader.GetString(6),
                    Kind = (AccountKind)reader.GetInt32(7),
                    Role = (ParticipantRole)reader.GetInt32(8),
                    AutoRespond = reader.GetBoolean(9),
                    DisplayName = ReadStringOrNull(reader, 10),
                    JoinedAt = ReadTime(reader, 11),
                };
                rooms[room.Id] = (room, membership, []);
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var conversation = ReadConversation(reader);
                var last = reader.IsDBNull(8) ? null : ReadMessage(reader, 8);
                if (rooms.TryGetValue(conversation.RoomId, out var room))
                {
                    room.Conversations.Add(new InboxConversationState(conversation, last, reader.GetInt64(6), reader.GetInt64(7)));
                }
            }

            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false))
            {
            }
        }

        return [.. rooms.Values.Select(r => new InboxRoomState(r.Room, r.Membership, r.Conversations))];
    }
}
