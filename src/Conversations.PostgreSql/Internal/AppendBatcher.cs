using System.Threading.Channels;
using Conversations.Storage;
using Npgsql;
using NpgsqlTypes;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql.Internal;

/// <summary>
/// Gathers concurrent appends and writes each gathered batch in one transaction (two round trips and one commit), on up to
/// <see cref="PostgreSqlStoreOptions.MaxConcurrentBatches"/> connections at once. Each append's task completes after the
/// commit that stored it. Appends are sharded by conversation: one conversation's appends always go to the same writer,
/// so a busy conversation fills whole batches instead of splitting them across writers that would wait on its row lock.
/// </summary>
/// <remarks>
/// A batch first locks the rows of its conversations in id order (<c>FOR NO KEY UPDATE</c>, so batches never deadlock
/// each other and commits land in sequence order), then looks up repeated client message ids — after the lock, so a
/// concurrent batch's commit is seen — and only then numbers the new messages. A batch that fails on one append's data is
/// run again one append at a time, so only that append is refused.
/// </remarks>
internal sealed class AppendBatcher
{
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
            }
        }
    }

    private async Task RunAsync(List<Request> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            var state = new Attempt();
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
        var conversationIds = batch.Select(r => r.Message.ConversationId).Distinct(StringComparer.Ordinal).ToArray();
        var keyed = batch.Where(r => r.Message.ClientMessageId is not null).ToArray();
        var last = new Dictionary<string, long>(StringComparer.Ordinal);
        var existing = new Dictionary<(string, string, string), Message>();

        // Round trip 1: lock the conversations (in id order), then find repeated client ids with a snapshot taken after the lock.
        using (var first = new NpgsqlBatch(connection) { Timeout = _store.CommandTimeoutSeconds })
        {
            first.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            first.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand($"SELECT id, last_sequence FROM {s}.conversations WHERE id = ANY ($1) ORDER BY id FOR NO KEY UPDATE", P(conversationIds)));
            if (keyed.Length > 0)
            {
                first.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand(
                    $"SELECT {MessageColumns} FROM {s}.messages m JOIN unnest($1::text[], $2::text[], $3::text[]) AS k (c, s, k) " +
                    "ON m.conversation_id = k.c AND m.sender_id = k.s AND m.client_message_id = k.k",
                    P(keyed.Select(r => r.Message.ConversationId).ToArray()), P(keyed.Select(r => r.Message.SenderId).ToArray()), P(keyed.Select(r => r.Message.ClientMessageId!).ToArray())));
            }

            var reader = await first.ExecuteReaderAsync().ConfigureAwait(false);

            await using var readerScope = reader.ConfigureAwait(false);
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                last[reader.GetString(0)] = reader.GetInt64(1);
            }

            if (keyed.Length > 0 && await reader.NextResultAsync().ConfigureAwait(false))
            {
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    var found = ReadMessage(reader);
                    existing[(found.ConversationId, found.SenderId, found.ClientMessageId!)] = found;
                }
            }

            while (await reader.NextResultAsync().ConfigureAwait(false))
            {
            }
        }

        // Number the new messages; repeats (stored, or earlier in this batch) resolve to the first one and use up nothing.
        var rows = new Rows();
        var now = Micro(_store.Time.GetUtcNow());
        foreach (var request in batch)
        {
            var message = request.Message;
            request.Error = null;
            if (!last.TryGetValue(message.ConversationId, out var sequence))
            {
                request.Error = new NotFoundException($"Conversation '{message.ConversationId}' does not exist.");
                continue;
            }

            (string, string, string)? key = message.ClientMessageId is { } clientId ? (message.ConversationId, message.SenderId, clientId) : null;
            if (key is { } k && existing.TryGetValue(k, out var original))
            {
                request.Result = new AppendResult(original, Created: false);
                continue;
            }

            sequence++;
            last[message.ConversationId] = sequence;
            var stored = Copy(message, sequence, sequence, message);
            if (key is { } newKey)
            {
                existing[newKey] = stored;
            }

            request.Result = new AppendResult(stored, Created: true);
            var lease = message.Status == MessageStatus.Streaming ? request.Options.StreamLease : null;
            rows.Add(stored, lease, request.Options.CreateTriggers);
        }

        // Round trip 2: triggers (counted per message), messages, log entries, counters, and the commit.
        using (var second = new NpgsqlBatch(connection) { Timeout = _store.CommandTimeoutSeconds })
        {
            var countsTriggers = rows.TriggerConversations.Count > 0;
            if (countsTriggers)
            {
                second.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand(
                    $"WITH ins AS (INSERT INTO {s}.triggers (conversation_id, agent_id, sequence, room_id, kind, message_id, chain_depth, status, attempts, next_attempt_at, created_at) " +
                    $"SELECT u.c, p.account_id, u.seq, u.r, {(int)FlowTriggerKind.MessagePosted}, u.m, u.d, 0, 0, '-infinity', $7 " +
                    "FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::int[], $6::text[]) AS u (c, seq, r, m, d, sender) " +
                    $"JOIN {s}.participants p ON p.room_id = u.r AND p.auto_respond AND p.kind = 1 AND p.account_id <> u.sender " +
                    "ON CONFLICT DO NOTHING RETURNING conversation_id, sequence) " +
                    "SELECT conversation_id, sequence, count(*)::int FROM ins GROUP BY conversation_id, sequence",
                    P(rows.TriggerConversations.ToArray()), P(rows.TriggerSequences.ToArray()), P(rows.TriggerRooms.ToArray()), P(rows.TriggerMessages.ToArray()),
                    P(rows.TriggerDepths.ToArray()), P(rows.TriggerSenders.ToArray()), Time(now)));
            }

            if (rows.Count > 0)
            {
                second.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand(
                    $"INSERT INTO {s}.messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, attachments, data, reply_to_id, " +
                    "client_message_id, status, created_at, edited_at, deleted_at, chain_depth, stream_owner, stream_lease_expires) " +
                    "SELECT u.c, u.seq, u.id, u.r, u.seq, u.s, u.sk, u.t, u.f, u.att::jsonb, u.data::json, u.reply, u.k, u.st, u.at, u.ed, u.del, u.depth, u.owner, u.lease " +
                    "FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::int[], $9::text[], $10::text[], $11::text[], " +
                    "$12::text[], $13::int[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[], $17::int[], $18::text[], $19::timestamptz[]) " +
                    "AS u (c, seq, id, r, s, sk, t, f, att, data, reply, k, st, at, ed, del, depth, owner, lease)",
                    P(rows.Conversations.ToArray()), P(rows.Sequences.ToArray()), P(rows.Ids.ToArray()), P(rows.Rooms.ToArray()), P(rows.Senders.ToArray()),
                    P(rows.SenderKinds.ToArray()), P(rows.Texts.ToArray()), P(rows.Formats.ToArray()), P(rows.Attachments.ToArray()), P(rows.Data.ToArray()),
                    P(rows.ReplyTo.ToArray()), P(rows.ClientIds.ToArray()), P(rows.Statuses.ToArray()), P(rows.CreatedAt.ToArray()), P(rows.EditedAt.ToArray()),
                    P(rows.DeletedAt.ToArray()), P(rows.Depths.ToArray()), P(rows.Owners.ToArray()), P(rows.Leases.ToArray())));
                second.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand(
                    $"INSERT INTO {s}.log (conversation_id, sequence, kind, message_sequence, at) SELECT u.c, u.seq, {(int)LogEntryKind.Posted}, u.seq, $3 FROM unnest($1::text[], $2::bigint[]) AS u (c, seq)",
                    P(rows.Conversations.ToArray()), P(rows.Sequences.ToArray()), Time(now)));
                var advanced = last.Where(pair => rows.Touches(pair.Key)).ToArray();
                second.BatchCommands.Add(PostgreSqlConversationStore.BatchCommand(
                    $"UPDATE {s}.conversations c SET last_sequence = u.last FROM unnest($1::text[], $2::bigint[]) AS u (id, last) WHERE c.id = u.id",
                    P(advanced.Select(p => p.Key).ToArray()), P(advanced.Select(p => p.Value).ToArray())));
            }

            second.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            state.Committing = true;
            var reader = await second.ExecuteReaderAsync().ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (countsTriggers)
            {
                var counts = new Dictionary<(string, long), int>();
                while (await reader.ReadAsync().ConfigureAwait(false))
                {
                    counts[(reader.GetString(0), reader.GetInt64(1))] = reader.GetInt32(2);
                }

                foreach (var request in batch)
                {
                    if (request.Error is null && request.Result.Created && counts.TryGetValue((request.Result.Message.ConversationId, request.Result.Message.Sequence), out var count))
                    {
                        request.Result = request.Result with { TriggersCreated = count };
                    }
                }
            }

            while (await reader.NextResultAsync().ConfigureAwait(false))
            {
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
        private readonly HashSet<string> _touched = new(StringComparer.Ordinal);

        public int Count => Ids.Count;

        public List<string> Conversations { get; } = [];

        public List<long> Sequences { get; } = [];

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

        public List<string> TriggerConversations { get; } = [];

        public List<long> TriggerSequences { get; } = [];

        public List<string> TriggerRooms { get; } = [];

        public List<string> TriggerMessages { get; } = [];

        public List<int> TriggerDepths { get; } = [];

        public List<string> TriggerSenders { get; } = [];

        public bool Touches(string conversationId) => _touched.Contains(conversationId);

        public void Add(Message m, StreamLease? lease, bool triggers)
        {
            _touched.Add(m.ConversationId);
            Conversations.Add(m.ConversationId);
            Sequences.Add(m.Sequence);
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
            CreatedAt.Add(m.CreatedAt);
            EditedAt.Add(m.EditedAt);
            DeletedAt.Add(m.DeletedAt);
            Depths.Add(m.ChainDepth);
            Owners.Add(lease?.Owner);
            Leases.Add(Micro(lease?.ExpiresAt));
            if (triggers)
            {
                TriggerConversations.Add(m.ConversationId);
                TriggerSequences.Add(m.Sequence);
                TriggerRooms.Add(m.RoomId);
                TriggerMessages.Add(m.Id);
                TriggerDepths.Add(m.ChainDepth);
                TriggerSenders.Add(m.SenderId);
            }
        }
    }
}
