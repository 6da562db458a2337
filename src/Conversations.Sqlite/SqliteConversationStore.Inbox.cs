using System.Globalization;
using System.Text;
using Conversations.Storage;
using static Conversations.Sqlite.Internal.SqliteSession;

namespace Conversations.Sqlite;

public sealed partial class SqliteConversationStore
{
    // The account's rooms with its membership (participant columns first, then the room's).
    private const string InboxRoomsSql =
        "SELECT p.room_id, p.account_id, p.kind, p.role, p.auto_respond, p.display_name, p.joined_at, " + RoomColumns + " " +
        "FROM participants p JOIN rooms r ON r.id = p.room_id WHERE p.account_id = $a AND ($r IS NULL OR p.room_id = $r)";

    // Each conversation of those rooms: its read marker, its latest message, and the messages by others above the marker.
    private const string InboxConversationsSql =
        "SELECT c.id, c.room_id, c.title, c.created_by, c.created_at, c.last_sequence, coalesce(rm.sequence, 0), " +
        "(SELECT m.pk FROM messages m WHERE m.conversation_id = c.id ORDER BY m.sequence DESC LIMIT 1), " +
        "(SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.sequence > coalesce(rm.sequence, 0) " +
        "AND m.sender_id <> $a AND m.deleted_at IS NULL) " +
        "FROM participants p JOIN conversations c ON c.room_id = p.room_id " +
        "LEFT JOIN read_markers rm ON rm.conversation_id = c.id AND rm.account_id = $a " +
        "WHERE p.account_id = $a AND ($r IS NULL OR p.room_id = $r) ORDER BY c.room_id, c.created_at, c.id";

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<InboxRoomState>> GetInboxAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return Read<IReadOnlyList<InboxRoomState>>(s => ReadInbox(s, accountId, roomId: null), cancellationToken);
    }

    /// <inheritdoc />
    public override async ValueTask<InboxRoomState?> GetInboxRoomAsync(string accountId, string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        ArgumentNullException.ThrowIfNull(roomId);
        var states = await Read(s => ReadInbox(s, accountId, roomId), cancellationToken).ConfigureAwait(false);
        return states.Count == 1 ? states[0] : null;
    }

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageWithTriggerAsync(Message message, TriggerSpec trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(trigger);
        return new(WriteAsync(s =>
        {
            var result = Update(s, message);
            if (result.Outcome == UpdateOutcome.Updated)
            {
                var stored = result.Message!;
                var insert = s.Command(
                    "INSERT INTO triggers (conversation_id, agent_id, sequence, room_id, kind, message_id, chain_depth, status, attempts, next_attempt_at, created_at) " +
                    "VALUES ($c, $agent, $seq, $r, $kind, $m, $depth, 0, 0, 0, $now) ON CONFLICT DO NOTHING");
                Set(insert, "$c", stored.ConversationId);
                Set(insert, "$agent", trigger.AgentId);
                Set(insert, "$seq", stored.LastSequence);
                Set(insert, "$r", stored.RoomId);
                Set(insert, "$kind", (int)trigger.Kind);
                Set(insert, "$m", trigger.MessageId);
                Set(insert, "$depth", trigger.ChainDepth);
                Set(insert, "$now", Ticks(_timeProvider.GetUtcNow()));
                insert.ExecuteNonQuery();
            }

            return result;
        }, cancellationToken));
    }

    /// <summary>Reads the inbox in one read transaction, so its three queries see one snapshot of the file.</summary>
    private static List<InboxRoomState> ReadInbox(Internal.SqliteSession s, string accountId, string? roomId)
    {
        s.Execute("BEGIN");
        try
        {
            return ReadInboxSnapshot(s, accountId, roomId);
        }
        finally
        {
            s.Execute("COMMIT");
        }
    }

    private static List<InboxRoomState> ReadInboxSnapshot(Internal.SqliteSession s, string accountId, string? roomId)
    {
        var rooms = new Dictionary<string, (Room Room, Participant Membership, List<(Conversation Conversation, long Read, long? LastPk, long Unread)> Conversations)>(StringComparer.Ordinal);
        var roomsCommand = s.Command(InboxRoomsSql);
        Set(roomsCommand, "$a", accountId);
        Set(roomsCommand, "$r", roomId);
        using (var reader = roomsCommand.ExecuteReader())
        {
            while (reader.Read())
            {
                var membership = ReadParticipant(reader);
                rooms[membership.RoomId] = (ReadRoom(reader, 7), membership, []);
            }
        }

        if (rooms.Count == 0)
        {
            return [];
        }

        var pks = new List<long>();
        var conversationsCommand = s.Command(InboxConversationsSql);
        Set(conversationsCommand, "$a", accountId);
        Set(conversationsCommand, "$r", roomId);
        using (var reader = conversationsCommand.ExecuteReader())
        {
            while (reader.Read())
            {
                var conversation = ReadConversation(reader);
                long? lastPk = reader.IsDBNull(7) ? null : reader.GetInt64(7);
                if (lastPk is { } pk)
                {
                    pks.Add(pk);
                }

                if (rooms.TryGetValue(conversation.RoomId, out var room))
                {
                    room.Conversations.Add((conversation, reader.GetInt64(6), lastPk, reader.GetInt64(8)));
                }
            }
        }

        var lastMessages = new Dictionary<long, Message>();
        if (pks.Count > 0)
        {
            var json = new StringBuilder("[");
            for (var i = 0; i < pks.Count; i++)
            {
                json.Append(i == 0 ? string.Empty : ",").Append(pks[i].ToString(CultureInfo.InvariantCulture));
            }

            var messagesCommand = s.Command($"SELECT {MessageColumns}, m.pk FROM messages m WHERE m.pk IN (SELECT value FROM json_each($pks))");
            Set(messagesCommand, "$pks", json.Append(']').ToString());
            using var reader = messagesCommand.ExecuteReader();
            while (reader.Read())
            {
                lastMessages[reader.GetInt64(MessageColumnCount)] = ReadMessage(reader);
            }
        }

        var states = new List<InboxRoomState>(rooms.Count);
        foreach (var (room, membership, conversations) in rooms.Values)
        {
            var list = conversations.Select(c => new InboxConversationState(
                c.Conversation,
                c.LastPk is { } pk && lastMessages.TryGetValue(pk, out var last) ? last : null,
                c.Read,
                c.Unread)).ToArray();
            states.Add(new InboxRoomState(room, membership, list));
        }

        return states;
    }
}
