using System.Threading.Channels;
using Conversations.Storage;
using Npgsql;
using NpgsqlTypes;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql.Internal;

/// <summary>
/// Gathers concurrent appends and writes each gathered batch in one transaction (one round trip, one statement, one commit), on up to
/// <see cref="PostgreSqlStoreOptions.MaxConcurrentBatches"/> connections at once. Each append's task completes after the
/// commit that stored it. Appends are sharded by conversation: one conversation's appends always go to the same writer,
/// so a busy conversation fills whole batches instead of splitting them across writers that would wait on its row lock.
/// </summary>
/// <remarks>
/// A batch locks the rows of its conversations in id order (<c>FOR NO KEY UPDATE</c>, so batches never deadlock each other
/// and commits land in sequence order), looks up repeated client message ids, and only then numbers the new messages from
/// the locked counters, so a repeat uses up no number. A repeat committed concurrently, which the statement's snapshot
/// cannot see, trips the unique index: the batch is rolled back whole and tried again. A batch that fails on one append's
/// data is run again one append at a time, so only that append is refused.
/// </remarks>
internal sealed class AppendBatcher
{
    private static readonly Conversations.Storage.Internal.StoreTelemetry s_telemetry = new("postgresql");

    private readonly PostgreSqlConversationStore _store;
    private readonly PostgreSqlStoreOptions _options;
    private readonly Channel<Request>[] _queues;
    private Task[] _writers = [];

    public AppendBatcher(PostgreSqlConversationStore store, PostgreSqlStoreOptions options)
    {
        _store = store;
        _options = options;
        var capacity = Math.Max(1, options.MaxQueuedAppends / options.MaxConcurrentBatches);
        _queues = [.. Enumerable.Range(0, options.MaxConcurrentBatches).Select(_ =>
            Channel.CreateBounded<Request>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.Wait, SingleWriter = false, SingleReader = true }))];
    }

    public void Start() => _writers = [.. _queues.Select(queue => Task.Run(() => WriterLoopAsync(queue.Reader)))];

    public async Task<AppendResult> AppendAsync(Message message, AppendOptions options, CancellationToken cancellationToken)
    {
        var request = new Request(message, options, cancellationToken);
        var queue = _queues[(uint)StringComparer.Ordinal.GetHashCode(message.ConversationId) % (uint)_queues.Length];
        if (!queue.Writer.TryWrite(request))
        {
            try
            {
                await queue.Writer.WriteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                throw new ObjectDisposedException(nameof(PostgreSqlConversationStore));
            }
        }

        return await request.Completion.Task.ConfigureAwait(false);
    }

    public async Task StopAsync()
    {
        foreach (var queue in _queues)
        {
            queue.Writer.TryComplete();
        }

        await Task.WhenAll(_writers).ConfigureAwait(false);
        foreach (var queue in _queues)
        {
            while (queue.Reader.TryRead(out var request))
            {
                request.Completion.TrySetException(new ObjectDisposedException(nameof(PostgreSqlConversationStore)));
            }
        }
    }

    private async Task WriterLoopAsync(ChannelReader<Request> reader)
    {
        var batch = new List<Request>(_options.MaxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var request))
            {
                if (request.CancellationToken.IsCancellationRequested)
                {
                    request.Completion.TrySetCanceled(request.CancellationToken);
                }
                else
                {
                    batch.Add(request);
                }
            }

            if (batch.Count > 0)
            {
                await RunAsync(batch).ConfigureAwait(false);

                // Let the posters just acknowledged run first: most post again at once, and their next appends then share
                // the next batch instead of trickling into several small ones.
                await Task.Yield();
            }
        }
    }

    private async Task RunAsync(List<Request> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = new Attempt();
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            try
            {
                var connection = await _store.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                await using var connectionScope = connection.ConfigureAwait(false);
                try
                {
                    await WriteAsync(connection, batch, state).ConfigureAwait(false);
                }
                catch (PostgresException) when (connection.State == System.Data.ConnectionState.Open)
                {
                    await RollBackQuietlyAsync(connection).ConfigureAwait(false);
                    throw;
                }

                Log.BatchCommitted(_store.Logger, batch.Count);
                s_telemetry.BatchCommitted(batch.Count(request => request.Error is null), started);
                foreach (var request in batch)
                {
                    if (request.Error is { } error)
                    {
                        request.Completion.TrySetException(error);
                    }
                    else
                    {
                        request.Completion.TrySetResult(request.Result);
                    }
                }

                return;
            }
            catch (Exception e) when (!state.Committing && attempt < _options.MaxRetries && PostgreSqlErrors.IsTransient(e))
            {
                Log.Retrying(_store.Logger, e, attempt + 1);
                _store.ForgetIfBroken(e);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "messages_by_client_id" && attempt < _options.MaxRetries + 2)
            {
                // A concurrent commit stored a repeat this statement's snapshot could not see: nothing was stored; the next
                // attempt sees it and returns it.
                Log.Retrying(_store.Logger, e, attempt + 1);
            }
            catch (PostgresException) when (batch.Count > 1)
            {
                // One append's data failed the whole batch (or an unexpected refusal): write them one by one so only it fails.
                foreach (var request in batch)
                {
                    await RunAsync([request]).ConfigureAwait(false);
                }

                return;
            }
            catch (Exception e)
            {
                Log.BatchFailed(_store.Logger, e, batch.Count);
                _store.ForgetIfBroken(e);
                var error = PostgreSqlErrors.Map(e, _store.Server, outcomeUnknown: state.Committing && e is not PostgresException);
                foreach (var request in batch)
                {
                    request.Completion.TrySetException(error);
                }

                return;
            }
        }
    }

    private async Task WriteAsync(NpgsqlConnection connection, List<Request> batch, Attempt state)
    {
        var s = _store.S;
        var rows = new Rows();
        foreach (var request in batch)
        {
            request.Error = null;
            var message = request.Message;
            rows.Add(message, message.Status == MessageStatus.Streaming ? request.Options.StreamLease : null, request.Options.CreateTriggers);
        }

        // One round trip, one statement: lock the batch's conversations in id order (FOR NO KEY UPDATE: batches never
        // deadlock, and commits land in sequence order), find repeated client ids — stored, or earlier in the batch — and
        // number only the new messages from the locked counters. A repeat stored by a concurrent commit that this statement's
        // snapshot missed fails the unique index instead; the batch is rolled back (no number is used up) and tried again.
        using var write = new NpgsqlBatch(connection) { Timeout = _store.CommandTimeoutSeconds };
        write.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        write.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand(
            "WITH input AS (SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::int[], $8::text[], $9::text[], " +
            "$10::text[], $11::text[], $12::int[], $13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::int[], $17::text[], $18::timestamptz[], $19::boolean[]) " +
            "WITH ORDINALITY AS u (c, id, r, s, sk, t, f, att, data, reply, k, st, at, ed, del, depth, owner, lease, trig, ord)), " +
            $"locked AS (SELECT c.id, c.last_sequence FROM {s}.conversations c WHERE c.id IN (SELECT u.c FROM input u) ORDER BY c.id FOR NO KEY UPDATE), " +
            $"stored AS (SELECT u.ord, m.* FROM input u JOIN {s}.messages m ON m.conversation_id = u.c AND m.sender_id = u.s AND m.client_message_id = u.k), " +
            "firsts AS (SELECT DISTINCT ON (u.c, u.s, u.k) u.ord FROM input u WHERE u.k IS NOT NULL ORDER BY u.c, u.s, u.k, u.ord), " +
            "fresh AS (SELECT u.*, l.last_sequence + row_number() OVER (PARTITION BY u.c ORDER BY u.ord) AS seq FROM input u JOIN locked l ON l.id = u.c " +
            "WHERE NOT EXISTS (SELECT 1 FROM stored x WHERE x.ord = u.ord) AND (u.k IS NULL OR u.ord IN (SELECT ord FROM firsts))), " +
            $"ins AS (INSERT INTO {s}.messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, attachments, data, reply_to_id, " +
            "client_message_id, status, created_at, edited_at, deleted_at, chain_depth, stream_owner, stream_lease_expires) " +
            "SELECT f.c, f.seq, f.id, f.r, f.seq, f.s, f.sk, f.t, f.f, f.att::jsonb, f.data::json, f.reply, f.k, f.st, f.at, f.ed, f.del, f.depth, f.owner, f.lease FROM fresh f), " +
            $"lg AS (INSERT INTO {s}.log (conversation_id, sequence, kind, message_sequence, at) SELECT f.c, f.seq, {(int)LogEntryKind.Posted}, f.seq, $20 FROM fresh f), " +
            $"upd AS (UPDATE {s}.conversations c SET last_sequence = x.last FROM (SELECT f.c, max(f.seq) AS last FROM fresh f GROUP BY f.c) x WHERE c.id = x.c), " +
            $"trg AS (INSERT INTO {s}.triggers (conversation_id, agent_id, sequence, room_id, kind, message_id, chain_depth, status, attempts, next_attempt_at, created_at) " +
            $"SELECT f.c, p.account_id, f.seq, f.r, {(int)FlowTriggerKind.MessagePosted}, f.id, f.depth, 0, 0, '-infinity', $20 FROM fresh f " +
            $"JOIN {s}.participants p ON p.room_id = f.r AND p.auto_respond AND p.kind = 1 AND p.account_id <> f.s WHERE f.trig " +
            "ON CONFLICT DO NOTHING RETURNING conversation_id, sequence) " +
            "SELECT u.ord, EXISTS (SELECT 1 FROM locked l WHERE l.id = u.c), f.seq, " +
            "(SELECT count(*) FROM trg t WHERE t.conversation_id = f.c AND t.sequence = f.seq)::int, " +
            $"{MessageColumns} FROM input u LEFT JOIN fresh f ON f.ord = u.ord LEFT JOIN stored m ON m.ord = u.ord ORDER BY u.ord",
            P(rows.Conversations.ToArray()), P(rows.Ids.ToArray()), P(rows.Rooms.ToArray()), P(rows.Senders.ToArray()), P(rows.SenderKinds.ToArray()),
            P(rows.Texts.ToArray()), P(rows.Formats.ToArray()), P(rows.Attachments.ToArray()), P(rows.Data.ToArray()), P(rows.ReplyTo.ToArray()),
            P(rows.ClientIds.ToArray()), P(rows.Statuses.ToArray()), P(rows.CreatedAt.ToArray()), P(rows.EditedAt.ToArray()), P(rows.DeletedAt.ToArray()),
            P(rows.Depths.ToArray()), P(rows.Owners.ToArray()), P(rows.Leases.ToArray()), P(rows.Triggers.ToArray()), Time(_store.Time.GetUtcNow())));
        write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        state.Committing = true;
        var created = new Dictionary<(string, string, string), Message>();
        var results = new (bool Found, long? Sequence, int Triggers, Message? Stored)[batch.Count];
        var reader = await write.ExecuteReaderAsync().ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (reader.FieldCount == 0 && await reader.NextResultAsync().ConfigureAwait(false))
            {
            }

            for (var i = 0; i < batch.Count && await reader.ReadAsync().ConfigureAwait(false); i++)
            {
                results[i] = (reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.IsDBNull(3) ? 0 : reader.GetInt32(3), reader.IsDBNull(4) ? null : ReadMessage(reader, 4));
            }

            while (await reader.NextResultAsync().ConfigureAwait(false))
            {
            }
        }

        // A repeat earlier in the batch resolves to the first one; one stored before, to the stored one.
        for (var i = 0; i < batch.Count; i++)
        {
            var request = batch[i];
            var message = request.Message;
            var (found, sequence, triggers, stored) = results[i];
            (string, string, string)? key = message.ClientMessageId is { } clientId ? (message.ConversationId, message.SenderId, clientId) : null;
            if (!found)
            {
                request.Error = new NotFoundException($"Conversation '{message.ConversationId}' does not exist.");
            }
            else if (stored is not null)
            {
                request.Result = new AppendResult(stored, Created: false);
            }
            else if (sequence is { } number)
            {
                var copy = Copy(message, number, number, message);
                request.Result = new AppendResult(copy, Created: true, triggers);
                if (key is { } k)
                {
                    created[k] = copy;
                }
            }
            else if (key is { } k && created.TryGetValue(k, out var first))
            {
                request.Result = new AppendResult(first, Created: false);
            }
            else
            {
                request.Error = new InvalidOperationException("The batch returned no outcome for an append.");
            }
        }
    }

    private static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        try
        {
            using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The connection may be unusable; it is discarded either way.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed class Attempt
    {
        /// <summary>Gets or sets a value indicating whether the round trip that carries the commit was sent.</summary>
        public bool Committing { get; set; }
    }

    private sealed class Request(Message message, AppendOptions options, CancellationToken cancellationToken)
    {
        public Message Message { get; } = message;

        public AppendOptions Options { get; } = options;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<AppendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public AppendResult Result { get; set; }

        public Exception? Error { get; set; }
    }

    /// <summary>The new rows of a batch, column by column, for <c>unnest</c>.</summary>
    private sealed class Rows
    {
        public int Count => Ids.Count;

        public List<string> Conversations { get; } = [];

        public List<string> Ids { get; } = [];

        public List<string> Rooms { get; } = [];

        public List<string> Senders { get; } = [];

        public List<int> SenderKinds { get; } = [];

        public List<string> Texts { get; } = [];

        public List<int> Formats { get; } = [];

        public List<string?> Attachments { get; } = [];

        public List<string?> Data { get; } = [];

        public List<string?> ReplyTo { get; } = [];

        public List<string?> ClientIds { get; } = [];

        public List<int> Statuses { get; } = [];

        public List<DateTimeOffset> CreatedAt { get; } = [];

        public List<DateTimeOffset?> EditedAt { get; } = [];

        public List<DateTimeOffset?> DeletedAt { get; } = [];

        public List<int> Depths { get; } = [];

        public List<string?> Owners { get; } = [];

        public List<DateTimeOffset?> Leases { get; } = [];

        public List<bool> Triggers { get; } = [];







        public void Add(Message m, StreamLease? lease, bool triggers)
        {
            Conversations.Add(m.ConversationId);
            Ids.Add(m.Id);
            Rooms.Add(m.RoomId);
            Senders.Add(m.SenderId);
            SenderKinds.Add((int)m.SenderKind);
            Texts.Add(m.Text);
            Formats.Add((int)m.Format);
            Attachments.Add(AttachmentsJson(m.Attachments));
            Data.Add(DataJson(m.Data));
            ReplyTo.Add(m.ReplyToId);
            ClientIds.Add(m.ClientMessageId);
            Statuses.Add((int)m.Status);
            CreatedAt.Add(Micro(m.CreatedAt));
            EditedAt.Add(Micro(m.EditedAt));
            DeletedAt.Add(Micro(m.DeletedAt));
            Depths.Add(m.ChainDepth);
            Owners.Add(lease?.Owner);
            Leases.Add(Micro(lease?.ExpiresAt));
            Triggers.Add(triggers);
        }
    }
}
