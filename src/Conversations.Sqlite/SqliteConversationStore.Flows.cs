using Conversations.Storage;
using Microsoft.Data.Sqlite;
using static Conversations.Sqlite.Internal.SqliteSession;

namespace Conversations.Sqlite;

public sealed partial class SqliteConversationStore
{
    private const string TriggerColumns =
        "t.conversation_id, t.agent_id, t.sequence, t.room_id, t.kind, t.message_id, t.chain_depth, t.status, t.attempts, " +
        "t.lease_owner, t.lease_expires, t.next_attempt_at, t.created_at, t.last_error";

    // The lane heads that may be leased now: due, lease free or ended, and no lower pending trigger in the same lane.
    private const string ClaimableWhere =
        "t.status = 0 AND t.next_attempt_at <= $now AND (t.lease_expires IS NULL OR t.lease_expires <= $now) " +
        "AND NOT EXISTS (SELECT 1 FROM triggers p WHERE p.conversation_id = t.conversation_id AND p.agent_id = t.agent_id " +
        "AND p.status = 0 AND p.sequence < t.sequence) " +
        "AND ($agents IS NULL OR t.agent_id IN (SELECT value FROM json_each($agents)))";

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<StreamingMessage>> GetStreamingMessagesAsync(CancellationToken cancellationToken) =>
        Read<IReadOnlyList<StreamingMessage>>(s =>
        {
            var command = s.Command($"SELECT {MessageColumns}, m.stream_owner, m.stream_lease_expires, m.stream_deltas FROM messages m WHERE m.status = 1 ORDER BY m.pk");
            var list = new List<StreamingMessage>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                const int o = MessageColumnCount;
                list.Add(new StreamingMessage(
                    ReadMessage(reader),
                    reader.IsDBNull(o) ? null : reader.GetString(o),
                    reader.IsDBNull(o + 1) ? null : Time(reader.GetInt64(o + 1)),
                    reader.GetInt32(o + 2)));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> CheckpointStreamAsync(StreamCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(WriteAsync(s =>
        {
            var command = s.Command(
                "UPDATE messages SET text = $t, stream_deltas = $d, stream_lease_expires = $e " +
                "WHERE conversation_id = $c AND id = $id AND status = 1 AND stream_owner = $o");
            Set(command, "$t", checkpoint.Text);
            Set(command, "$d", checkpoint.DeltaCount);
            Set(command, "$e", Ticks(checkpoint.LeaseExpiresAt));
            Set(command, "$c", checkpoint.ConversationId);
            Set(command, "$id", checkpoint.MessageId);
            Set(command, "$o", checkpoint.Owner);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Message?> ExpireStreamAsync(string conversationId, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        return new(WriteAsync(s =>
        {
            var find = s.Command(
                $"SELECT {MessageColumns}, m.pk FROM messages m WHERE m.conversation_id = $c AND m.id = $id AND m.status = 1 " +
                "AND (m.stream_lease_expires IS NULL OR m.stream_lease_expires < $now)");
            Set(find, "$c", conversationId);
            Set(find, "$id", messageId);
            Set(find, "$now", Ticks(now));
            Message current;
            long pk;
            using (var reader = find.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                current = ReadMessage(reader);
                pk = reader.GetInt64(MessageColumnCount);
            }

            return StoreChange(s, current, pk, Copy(current, current.Sequence, current.LastSequence, current, MessageStatus.Failed));
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override async ValueTask<IReadOnlyList<FlowTriggerRecord>> ClaimTriggersAsync(TriggerClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.MaxCount <= 0)
        {
            return [];
        }

        var agents = claim.AgentIds is { } ids ? System.Text.Json.JsonSerializer.Serialize(ids.ToArray(), Internal.SqliteJsonContext.Default.StringArray) : null;

        // Most doorbells find nothing to do: look on a reader first, and queue a write only when something is due.
        var any = await Read(s =>
        {
            var probe = s.Command($"SELECT EXISTS (SELECT 1 FROM triggers t WHERE {ClaimableWhere})");
            Set(probe, "$now", Ticks(claim.Now));
            Set(probe, "$agents", agents);
            return (long)probe.ExecuteScalar()! != 0;
        }, cancellationToken).ConfigureAwait(false);
        if (!any)
        {
            return [];
        }

        return await WriteAsync<IReadOnlyList<FlowTriggerRecord>>(s =>
        {
            var find = s.Command($"SELECT {TriggerColumns} FROM triggers t WHERE {ClaimableWhere} ORDER BY t.created_at, t.conversation_id, t.agent_id LIMIT $n");
            Set(find, "$now", Ticks(claim.Now));
            Set(find, "$n", claim.MaxCount);
            Set(find, "$agents", agents);
            var due = ReadTriggers(find);
            var lease = s.Command("UPDATE triggers SET attempts = attempts + 1, lease_owner = $o, lease_expires = $e WHERE conversation_id = $c AND agent_id = $a AND sequence = $s");
            var claimed = new List<FlowTriggerRecord>(due.Count);
            foreach (var trigger in due)
            {
                SetKey(lease, trigger.Key);
                Set(lease, "$o", claim.Owner);
                Set(lease, "$e", Ticks(claim.LeaseExpiresAt));
                lease.ExecuteNonQuery();
                claimed.Add(new FlowTriggerRecord
                {
                    ConversationId = trigger.ConversationId,
                    AgentId = trigger.AgentId,
                    Sequence = trigger.Sequence,
                    RoomId = trigger.RoomId,
                    Kind = trigger.Kind,
                    MessageId = trigger.MessageId,
                    ChainDepth = trigger.ChainDepth,
                    Status = trigger.Status,
                    Attempts = trigger.Attempts + 1,
                    LeaseOwner = claim.Owner,
                    LeaseExpiresAt = claim.LeaseExpiresAt,
                    NextAttemptAt = trigger.NextAttemptAt,
                    CreatedAt = trigger.CreatedAt,
                    LastError = trigger.LastError,
                });
            }

            return claimed;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override ValueTask<bool> RenewTriggerLeaseAsync(FlowTriggerKey key, string owner, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new(WriteAsync(s =>
        {
            var command = s.Command("UPDATE triggers SET lease_expires = $e WHERE conversation_id = $c AND agent_id = $a AND sequence = $s AND status = 0 AND lease_owner = $o");
            SetKey(command, key);
            Set(command, "$o", owner);
            Set(command, "$e", Ticks(leaseExpiresAt));
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> CompleteTriggerAsync(FlowTriggerKey key, string owner, TriggerCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(completion);
        var sql = completion.Outcome switch
        {
            TriggerOutcome.Done => "UPDATE triggers SET status = 1, lease_owner = NULL, lease_expires = NULL",
            TriggerOutcome.Dead => "UPDATE triggers SET status = 2, lease_owner = NULL, lease_expires = NULL, last_error = $err",
            TriggerOutcome.Release => "UPDATE triggers SET attempts = max(0, attempts - 1), lease_owner = NULL, lease_expires = NULL, next_attempt_at = coalesce($next, next_attempt_at)",
            _ => "UPDATE triggers SET lease_owner = NULL, lease_expires = NULL, next_attempt_at = coalesce($next, next_attempt_at), last_error = $err",
        };
        return new(WriteAsync(s =>
        {
            var command = s.Command(sql + " WHERE conversation_id = $c AND agent_id = $a AND sequence = $s AND status = 0 AND lease_owner = $o");
            SetKey(command, key);
            Set(command, "$o", owner);
            if (sql.Contains("$err", StringComparison.Ordinal))
            {
                Set(command, "$err", completion.Error);
            }

            if (sql.Contains("$next", StringComparison.Ordinal))
            {
                Set(command, "$next", Ticks(completion.NextAttemptAt));
            }

            return command.ExecuteNonQuery() > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> GetTriggersAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return Read<IReadOnlyList<FlowTriggerRecord>>(s =>
        {
            var command = s.Command($"SELECT {TriggerColumns} FROM triggers t WHERE t.conversation_id = $c ORDER BY t.agent_id, t.sequence");
            Set(command, "$c", conversationId);
            return ReadTriggers(command);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<TriggerBacklog> GetTriggerBacklogAsync(CancellationToken cancellationToken) =>
        Read(s =>
        {
            var command = s.Command("SELECT count(*), min(created_at) FROM triggers WHERE status = 0");
            using var reader = command.ExecuteReader();
            reader.Read();
            return new TriggerBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : Time(reader.GetInt64(1)));
        }, cancellationToken);

    /// <summary>Records a trigger for each auto-respond agent of the room other than the actor (an index covers only such agents).</summary>
    private int InsertTriggers(Internal.SqliteSession s, string roomId, string conversationId, string actorId, long sequence, FlowTriggerKind kind, string? messageId, int chainDepth)
    {
        var insert = s.Statement(
            "INSERT INTO triggers (conversation_id, agent_id, sequence, room_id, kind, message_id, chain_depth, status, attempts, next_attempt_at, created_at) " +
            "SELECT $c, p.account_id, $seq, $r, $kind, $m, $depth, 0, 0, 0, $now FROM participants p " +
            "WHERE p.room_id = $r AND p.auto_respond = 1 AND p.kind = 1 AND p.account_id <> $actor " +
            "ON CONFLICT DO NOTHING");
        try
        {
            insert.Bind("$c", conversationId);
            insert.Bind("$seq", sequence);
            insert.Bind("$r", roomId);
            insert.Bind("$kind", (int)kind);
            insert.Bind("$m", messageId);
            insert.Bind("$depth", chainDepth);
            insert.Bind("$now", Ticks(_timeProvider.GetUtcNow()));
            insert.Bind("$actor", actorId);
            return insert.Run();
        }
        finally
        {
            insert.Reset();
        }
    }

    private static void SetKey(SqliteCommand command, FlowTriggerKey key)
    {
        Set(command, "$c", key.ConversationId);
        Set(command, "$a", key.AgentId);
        Set(command, "$s", key.Sequence);
    }

    private static List<FlowTriggerRecord> ReadTriggers(SqliteCommand command)
    {
        var list = new List<FlowTriggerRecord>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            list.Add(new FlowTriggerRecord
            {
                ConversationId = reader.GetString(0),
                AgentId = reader.GetString(1),
                Sequence = reader.GetInt64(2),
                RoomId = reader.GetString(3),
                Kind = (FlowTriggerKind)reader.GetInt32(4),
                MessageId = reader.IsDBNull(5) ? null : reader.GetString(5),
                ChainDepth = reader.GetInt32(6),
                Status = (FlowTriggerStatus)reader.GetInt32(7),
                Attempts = reader.GetInt32(8),
                LeaseOwner = reader.IsDBNull(9) ? null : reader.GetString(9),
                LeaseExpiresAt = reader.IsDBNull(10) ? null : Time(reader.GetInt64(10)),
                NextAttemptAt = Time(reader.GetInt64(11)),
                CreatedAt = Time(reader.GetInt64(12)),
                LastError = reader.IsDBNull(13) ? null : reader.GetString(13),
            });
        }

        return list;
    }
}
