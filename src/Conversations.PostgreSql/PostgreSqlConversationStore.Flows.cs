using Conversations.Storage;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql;

public sealed partial class PostgreSqlConversationStore
{
    private const string StreamingColumns = "m.stream_owner, m.stream_lease_expires, m.stream_deltas";

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<StreamingMessage>> GetStreamingMessagesAsync(CancellationToken cancellationToken) =>
        ReadListAsync(
            $"SELECT {MessageColumns}, {StreamingColumns} FROM {_s}.messages m WHERE m.status = 1 ORDER BY m.created_at, m.conversation_id, m.sequence",
            r => new StreamingMessage(ReadMessage(r), ReadStringOrNull(r, MessageColumnCount), ReadTimeOrNull(r, MessageColumnCount + 1), r.GetInt32(MessageColumnCount + 2)),
            cancellationToken);

    /// <inheritdoc />
    public override ValueTask<bool> CheckpointStreamAsync(StreamCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c,
                $"UPDATE {_s}.messages SET text = $4, stream_deltas = $5, stream_lease_expires = $6 WHERE conversation_id = $1 AND id = $2 AND status = 1 AND stream_owner = $3",
                P(checkpoint.ConversationId), P(checkpoint.MessageId), P(checkpoint.Owner), P(checkpoint.Text), P(checkpoint.DeltaCount), Time(checkpoint.LeaseExpiresAt));
            return (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override async ValueTask<Message?> ExpireStreamAsync(string conversationId, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);

        // Look first without a lock: most sweeps find the stream alive or ended. The change checks again under the lock.
        var probe = await ReadListAsync(
            $"SELECT m.stream_lease_expires FROM {_s}.messages m WHERE m.conversation_id = $1 AND m.id = $2 AND m.status = 1",
            r => ReadTimeOrNull(r, 0),
            cancellationToken,
            P(conversationId),
            P(messageId)).ConfigureAwait(false);
        if (probe.Count == 0 || probe[0] >= now)
        {
            return null;
        }

        var result = await ChangeMessageAsync(conversationId, messageId, (current, leaseExpires) =>
            current.Status == MessageStatus.Streaming && (leaseExpires is not { } expires || expires < now)
                ? Copy(current, current.Sequence, current.LastSequence, current, MessageStatus.Failed)
                : null,
            cancellationToken).ConfigureAwait(false);
        return result.Outcome == UpdateOutcome.Updated ? result.Message : null;
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> ClaimTriggersAsync(TriggerClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.MaxCount <= 0 || claim.AgentIds is { Count: 0 })
        {
            return new([]);
        }

        var agents = claim.AgentIds?.ToArray();

        // Lane heads that may be leased now: due, lease free or ended, no lower pending trigger in the lane. Rows another
        // claimer holds are skipped, and the lease condition is checked again on the locked row, so two claimers never
        // both lease one trigger.
        return new(WriteAsync<IReadOnlyList<FlowTriggerRecord>>(async (c, ct) =>
        {
            using var command = Command(c,
                $"WITH due AS (SELECT t.conversation_id, t.agent_id, t.sequence FROM {_s}.triggers t " +
                "WHERE t.status = 0 AND t.next_attempt_at <= $1 AND (t.lease_expires IS NULL OR t.lease_expires <= $1) " +
                $"AND NOT EXISTS (SELECT 1 FROM {_s}.triggers p WHERE p.conversation_id = t.conversation_id AND p.agent_id = t.agent_id AND p.status = 0 AND p.sequence < t.sequence) " +
                "AND ($5::text[] IS NULL OR t.agent_id = ANY ($5)) " +
                "ORDER BY t.created_at, t.conversation_id, t.agent_id LIMIT $4 FOR UPDATE SKIP LOCKED) " +
                $"UPDATE {_s}.triggers t SET attempts = t.attempts + 1, lease_owner = $2, lease_expires = $3 FROM due " +
                "WHERE t.conversation_id = due.conversation_id AND t.agent_id = due.agent_id AND t.sequence = due.sequence " +
                $"RETURNING {TriggerColumns}",
                Time(claim.Now), P(claim.Owner), Time(claim.LeaseExpiresAt), P(claim.MaxCount), P(agents));
            var list = new List<FlowTriggerRecord>();
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    list.Add(ReadTrigger(reader));
                }
            }

            list.Sort(static (a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt)
                : string.CompareOrdinal(a.ConversationId, b.ConversationId) is var byConversation and not 0 ? byConversation
                : string.CompareOrdinal(a.AgentId, b.AgentId));
            return (list, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> RenewTriggerLeaseAsync(FlowTriggerKey key, string owner, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c,
                $"UPDATE {_s}.triggers SET lease_expires = $5 WHERE conversation_id = $1 AND agent_id = $2 AND sequence = $3 AND status = 0 AND lease_owner = $4",
                P(key.ConversationId), P(key.AgentId), P(key.Sequence), P(owner), Time(leaseExpiresAt));
            return (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> CompleteTriggerAsync(FlowTriggerKey key, string owner, TriggerCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(completion);
        var (set, extra) = completion.Outcome switch
        {
            TriggerOutcome.Done => ("status = 1, lease_owner = NULL, lease_expires = NULL", Array.Empty<Npgsql.NpgsqlParameter>()),
            TriggerOutcome.Dead => ("status = 2, lease_owner = NULL, lease_expires = NULL, last_error = $5", [P(completion.Error)]),
            TriggerOutcome.Release => ("attempts = greatest(0, attempts - 1), lease_owner = NULL, lease_expires = NULL, next_attempt_at = coalesce($5, next_attempt_at)", [Time(completion.NextAttemptAt)]),
            _ => ("lease_owner = NULL, lease_expires = NULL, next_attempt_at = coalesce($5, next_attempt_at), last_error = $6", new[] { Time(completion.NextAttemptAt), P(completion.Error) }),
        };
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c,
                $"UPDATE {_s}.triggers SET {set} WHERE conversation_id = $1 AND agent_id = $2 AND sequence = $3 AND status = 0 AND lease_owner = $4",
                [P(key.ConversationId), P(key.AgentId), P(key.Sequence), P(owner), .. extra.Select(p => p.Clone())]);
            return (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<FlowTriggerRecord>> GetTriggersAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return ReadListAsync($"SELECT {TriggerColumns} FROM {_s}.triggers t WHERE t.conversation_id = $1 ORDER BY t.agent_id COLLATE \"C\", t.sequence", ReadTrigger, cancellationToken, P(conversationId));
    }

    /// <inheritdoc />
    public override async ValueTask<TriggerBacklog> GetTriggerBacklogAsync(CancellationToken cancellationToken)
    {
        var rows = await ReadListAsync(
            $"SELECT count(*), min(created_at) FROM {_s}.triggers WHERE status = 0",
            r => new TriggerBacklog(r.GetInt64(0), ReadTimeOrNull(r, 1)),
            cancellationToken).ConfigureAwait(false);
        return rows[0];
    }
}
