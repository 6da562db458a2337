using Conversations.Storage;
using Npgsql;
using NpgsqlTypes;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql;

public sealed partial class PostgreSqlConversationStore
{
    /// <inheritdoc />
    /// <remarks>
    /// Concurrent appends are gathered into one transaction per batch: the batch locks its conversations' rows (in id
    /// order, so batches never deadlock), looks up repeated client message ids, and only then assigns sequences — a
    /// repeat uses up no number. Once the store is initialized (the engine does it at start), an append is queued for its
    /// conversation's writer before this method returns, so appends to one conversation are numbered in call order.
    /// </remarks>
    public override ValueTask<AppendResult> AppendMessageAsync(Message message, AppendOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new(AppendAsync(message, options, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(ChangeMessageAsync(message.ConversationId, message.Id, (current, _) =>
            current.IsDeleted || current.LastSequence != message.LastSequence ? null : message, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Message?> GetMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        return new(ReadAsync(async (c, ct) =>
        {
            using var command = Command(c, $"SELECT {MessageColumns} FROM {_s}.messages m WHERE m.conversation_id = $1 AND m.id = $2", P(conversationId), P(messageId));
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadMessage(reader) : null;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Max(0, query.Limit);
        return new(ReadAsync<IReadOnlyList<Message>>(async (c, ct) =>
        {
            NpgsqlCommand command;
            if (query.After is { } after)
            {
                command = Command(c, $"SELECT {MessageColumns} FROM {_s}.messages m WHERE m.conversation_id = $1 AND m.sequence > $2 ORDER BY m.sequence LIMIT $3", P(conversationId), P(after), P(limit));
            }
            else if (query.Before is { } before)
            {
                command = Command(c, $"SELECT {MessageColumns} FROM {_s}.messages m WHERE m.conversation_id = $1 AND m.sequence < $2 ORDER BY m.sequence DESC LIMIT $3", P(conversationId), P(before), P(limit));
            }
            else
            {
                command = Command(c, $"SELECT {MessageColumns} FROM {_s}.messages m WHERE m.conversation_id = $1 ORDER BY m.sequence DESC LIMIT $2", P(conversationId), P(limit));
            }

            var list = new List<Message>(Math.Min(limit, 1024));
            using (command)
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    list.Add(ReadMessage(reader));
                }
            }

            if (query.After is null)
            {
                list.Reverse();
            }

            return list;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<LogEntry>> ReadLogAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return ReadListAsync(
            $"SELECT {MessageColumns}, l.sequence, l.kind, l.at FROM {_s}.log l " +
            $"JOIN {_s}.messages m ON m.conversation_id = l.conversation_id AND m.sequence = l.message_sequence " +
            "WHERE l.conversation_id = $1 AND l.sequence > $2 ORDER BY l.sequence LIMIT $3",
            r => new LogEntry(r.GetInt64(MessageColumnCount), (LogEntryKind)r.GetInt32(MessageColumnCount + 1), ReadMessage(r), ReadTime(r, MessageColumnCount + 2)),
            cancellationToken,
            P(conversationId),
            P(afterSequence),
            P(Math.Max(0, limit)));
    }

    /// <summary>
    /// Changes a stored message under its conversation's row lock: takes the next sequence, reads the message, and asks
    /// <paramref name="decide"/> for the new version, given the stored message and the end of its stream lease
    /// (<see langword="null"/> to refuse: nothing is stored, the sequence is given back by the rollback). A change that ends
    /// a stream also ends its lease. With a <paramref name="trigger"/>, the same transaction records one pending flow trigger
    /// keyed by the change's sequence.
    /// </summary>
    private Task<UpdateResult> ChangeMessageAsync(string conversationId, string messageId, Func<Message, DateTimeOffset?, Message?> decide, CancellationToken cancellationToken, TriggerSpec? trigger = null) =>
        WriteAsync(async (c, ct) =>
        {
            long sequence;
            Message? current = null;
            DateTimeOffset? leaseExpires = null;
            using (var batch = new NpgsqlBatch(c) { Timeout = _commandTimeout })
            {
                batch.BatchCommands.Add(BatchCommand($"UPDATE {_s}.conversations SET last_sequence = last_sequence + 1 WHERE id = $1 RETURNING last_sequence", P(conversationId)));
                batch.BatchCommands.Add(BatchCommand($"SELECT {MessageColumns}, m.stream_lease_expires FROM {_s}.messages m WHERE m.conversation_id = $1 AND m.id = $2 FOR UPDATE", P(conversationId), P(messageId)));
                var reader = await batch.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using var readerScope = reader.ConfigureAwait(false);
                if (!await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    return (new UpdateResult(UpdateOutcome.NotFound, null), false);
                }

                sequence = reader.GetInt64(0);
                await reader.NextResultAsync(ct).ConfigureAwait(false);
                if (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    current = ReadMessage(reader);
                    leaseExpires = ReadTimeOrNull(reader, MessageColumnCount);
                }
            }

            if (current is null)
            {
                return (new UpdateResult(UpdateOutcome.NotFound, null), false);
            }

            if (decide(current, leaseExpires) is not { } changed)
            {
                return (new UpdateResult(UpdateOutcome.Conflict, current), false);
            }

            var kind = changed.DeletedAt is null ? LogEntryKind.Updated : LogEntryKind.Deleted;
            using (var write = new NpgsqlBatch(c) { Timeout = _commandTimeout })
            {
                write.BatchCommands.Add(BatchCommand(
                    $"UPDATE {_s}.messages SET last_sequence = $3, text = $4, format = $5, attachments = $6, data = $7, status = $8, edited_at = $9, deleted_at = $10, " +
                    "stream_owner = CASE WHEN $8 = 1 THEN stream_owner END, stream_lease_expires = CASE WHEN $8 = 1 THEN stream_lease_expires END " +
                    "WHERE conversation_id = $1 AND sequence = $2",
                    P(conversationId), P(current.Sequence), P(sequence), P(changed.Text), P((int)changed.Format), Json(AttachmentsJson(changed.Attachments), NpgsqlDbType.Jsonb),
                    Json(DataJson(changed.Data), NpgsqlDbType.Json), P((int)changed.Status), Time(changed.EditedAt), Time(changed.DeletedAt)));
                write.BatchCommands.Add(BatchCommand($"INSERT INTO {_s}.log (conversation_id, sequence, kind, message_sequence, at) VALUES ($1, $2, $3, $4, $5)",
                    P(conversationId), P(sequence), P((int)kind), P(current.Sequence), Time(_timeProvider.GetUtcNow())));
                if (trigger is not null)
                {
                    write.BatchCommands.Add(BatchCommand(
                        $"INSERT INTO {_s}.triggers (conversation_id, agent_id, sequence, room_id, kind, message_id, chain_depth, status, attempts, next_attempt_at, created_at) " +
                        "VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, '-infinity', $8) ON CONFLICT DO NOTHING",
                        P(conversationId), P(trigger.AgentId), P(sequence), P(current.RoomId), P((int)trigger.Kind), P(trigger.MessageId), P(trigger.ChainDepth), Time(_timeProvider.GetUtcNow())));
                }

                await write.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return (new UpdateResult(UpdateOutcome.Updated, Copy(current, current.Sequence, sequence, changed)), true);
        }, cancellationToken);

    private async Task<AppendResult> AppendAsync(Message message, AppendOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await _batcher.AppendAsync(message, options, cancellationToken).ConfigureAwait(false);
    }
}
