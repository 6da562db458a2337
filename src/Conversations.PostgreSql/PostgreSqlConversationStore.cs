using Conversations.PostgreSql.Internal;
using Conversations.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using static Conversations.PostgreSql.Internal.PostgreSqlRows;

namespace Conversations.PostgreSql;

/// <summary>
/// A <see cref="ConversationStore"/> in PostgreSQL: durable, and shared by every host that points at the same database
/// and schema.
/// </summary>
/// <remarks>
/// <para>
/// Every rule of the store holds across hosts because PostgreSQL enforces it: a change to a conversation's log takes the
/// conversation's next sequence under that conversation's row lock, held until the commit, so commits land in sequence
/// order and readers never see a later sequence before an earlier one; a repeated client message id is looked up after
/// the lock is taken and before any sequence is used, so duplicates burn no number; direct rooms and idempotency are
/// backed by unique keys; trigger claims lease rows with <c>FOR UPDATE SKIP LOCKED</c>.
/// </para>
/// <para>
/// Writes are acknowledged after their commit (with the server's default <c>synchronous_commit = on</c>, after the
/// commit record is flushed). Concurrent appends are gathered into batches, each one transaction on its own connection,
/// so throughput grows with concurrency without acknowledging early. A failure that left nothing changed (a
/// serialization failure, a deadlock, a connection broken before the commit was sent) is retried; other failures surface
/// as <see cref="UnavailableException"/>, <see cref="ConflictException"/> or <see cref="InvalidArgumentException"/>.
/// </para>
/// <para>Thread-safe. Dispose it to stop its batch writers (and to close its data source, when it created it).</para>
/// </remarks>
public sealed partial class PostgreSqlConversationStore : ConversationStore, IAsyncDisposable, IDisposable
{
    private readonly PostgreSqlStoreOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _s;
    private readonly string _server;
    private readonly int _commandTimeout;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly AppendBatcher _batcher;
    private volatile bool _initialized;
    private int _disposed;

    /// <summary>Initializes a new instance of the <see cref="PostgreSqlConversationStore"/> class. The database is first used on <see cref="InitializeAsync"/> or the first call.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="dataSource">The data source to use, which the store does not dispose; <see langword="null"/> to create one from <see cref="PostgreSqlStoreOptions.ConnectionString"/>.</param>
    /// <param name="timeProvider">The clock that stamps log entries and triggers; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The options are not valid, or neither a data source nor a connection string is given.</exception>
    public PostgreSqlConversationStore(PostgreSqlStoreOptions options, NpgsqlDataSource? dataSource = null, TimeProvider? timeProvider = null, ILogger<PostgreSqlConversationStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgreSqlStoreOptionsValidator.ThrowIfInvalid(options);
        if (dataSource is null)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(PostgreSqlStoreOptions), ["ConnectionString is required when no NpgsqlDataSource is given."]);
            }

            try
            {
                dataSource = NpgsqlDataSource.Create(options.ConnectionString);
            }
            catch (ArgumentException e)
            {
                throw new Microsoft.Extensions.Options.OptionsValidationException(Microsoft.Extensions.Options.Options.DefaultName, typeof(PostgreSqlStoreOptions), [$"ConnectionString is not a valid Npgsql connection string: {e.Message}"]);
            }

            _ownsDataSource = true;
        }

        _options = options;
        _dataSource = dataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _s = options.Schema;
        _commandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        var builder = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        _server = $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        _batcher = new AppendBatcher(this, options);
    }

    /// <summary>Gets the schema that holds the store's tables.</summary>
    public string Schema => _s;

    /// <summary>Gets the data source the store uses.</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <inheritdoc />
    /// <exception cref="UnavailableException">The server is unreachable, refused the credentials, is read-only, the schema belongs to something else or to a newer version, or the user may not create it.</exception>
    public override async ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                    await using var connectionScope = connection.ConfigureAwait(false);
                    var (from, to) = await PostgreSqlSchema.MigrateAsync(connection, _s, _options.ApplyMigrations, cancellationToken).ConfigureAwait(false);
                    if (from != to)
                    {
                        Log.Migrated(_logger, _s, from, to);
                    }

                    await WarnIfNotDurableAsync(connection, cancellationToken).ConfigureAwait(false);
                    Log.Opened(_logger, _s, _server, to);
                    break;
                }
                catch (Exception e) when (attempt < _options.MaxRetries && PostgreSqlErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
                {
                    Log.Retrying(_logger, e, attempt + 1);
                    ForgetIfBroken(e);
                }
                catch (Exception e)
                {
                    throw PostgreSqlErrors.Map(e, _server);
                }
            }

            _batcher.Start();
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <inheritdoc />
    public override ValueTask CreateRoomAsync(Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participants);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var insert = Command(c, $"INSERT INTO {_s}.rooms (id, kind, name, created_by, created_at, direct_key) VALUES ($1, $2, $3, $4, $5, NULL) ON CONFLICT (id) DO NOTHING",
                P(room.Id), P((int)room.Kind), P(room.Name), P(room.CreatedBy), Time(room.CreatedAt));
            if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 0)
            {
                throw new ConflictException($"Room '{room.Id}' already exists.");
            }

            await InsertParticipantsAsync(c, participants, ct).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override async ValueTask<DirectRoomResult> GetOrCreateDirectRoomAsync(string directKey, Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directKey);
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participants);
        return await WriteAsync(async (c, ct) =>
        {
            // A concurrent insert of the same key (on any host) makes this one wait for its outcome, then do nothing.
            using var insert = Command(c,
                $"INSERT INTO {_s}.rooms (id, kind, name, created_by, created_at, direct_key) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (direct_key) DO NOTHING",
                P(room.Id), P((int)room.Kind), P(room.Name), P(room.CreatedBy), Time(room.CreatedAt), P(directKey));
            if (await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1)
            {
                await InsertParticipantsAsync(c, participants, ct).ConfigureAwait(false);
                return (new DirectRoomResult(Stored(room), Created: true), true);
            }

            using var find = Command(c, $"SELECT {RoomColumns} FROM {_s}.rooms r WHERE r.direct_key = $1", P(directKey));
            var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false)
                ? (new DirectRoomResult(ReadRoom(reader), Created: false), true)
                : throw new InvalidOperationException("A direct room that blocked the insert is not there.");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override ValueTask<Room?> GetRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        return new(ReadAsync(async (c, ct) =>
        {
            using var command = Command(c, $"SELECT {RoomColumns} FROM {_s}.rooms r WHERE r.id = $1", P(roomId));
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadRoom(reader) : null;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Room>> GetRoomsForAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return ReadListAsync(
            $"SELECT {RoomColumns} FROM {_s}.participants p JOIN {_s}.rooms r ON r.id = p.room_id WHERE p.account_id = $1 ORDER BY p.room_id COLLATE \"C\"",
            ReadRoom, cancellationToken, P(accountId));
    }

    /// <inheritdoc />
    public override ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(accountId);
        return new(ReadAsync(async (c, ct) =>
        {
            using var command = Command(c, $"SELECT {ParticipantColumns} FROM {_s}.participants p WHERE p.room_id = $1 AND p.account_id = $2", P(roomId), P(accountId));
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadParticipant(reader) : null;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Participant>> GetParticipantsAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        return ReadListAsync($"SELECT {ParticipantColumns} FROM {_s}.participants p WHERE p.room_id = $1 ORDER BY p.pk", ReadParticipant, cancellationToken, P(roomId));
    }

    /// <inheritdoc />
    public override ValueTask<bool> AddParticipantAsync(Participant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c,
                $"INSERT INTO {_s}.participants (room_id, account_id, kind, role, auto_respond, display_name, joined_at) " +
                $"SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM {_s}.rooms WHERE id = $1) ON CONFLICT (room_id, account_id) DO NOTHING",
                ParticipantParameters(participant));
            return (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> UpdateParticipantAsync(Participant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c, $"UPDATE {_s}.participants SET role = $3, auto_respond = $4, display_name = $5 WHERE room_id = $1 AND account_id = $2",
                P(participant.RoomId), P(participant.AccountId), P((int)participant.Role), P(participant.AutoRespond), P(participant.DisplayName));
            return (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> RemoveParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(accountId);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var command = Command(c, $"DELETE FROM {_s}.participants WHERE room_id = $1 AND account_id = $2", P(roomId), P(accountId));
            return (await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) > 0, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new(WriteAsync<bool>(async (c, ct) =>
        {
            using var insert = Command(c,
                $"INSERT INTO {_s}.conversations (id, room_id, title, created_by, created_at, last_sequence) " +
                $"SELECT $1, $2, $3, $4, $5, 0 WHERE EXISTS (SELECT 1 FROM {_s}.rooms WHERE id = $2) ON CONFLICT (id) DO NOTHING RETURNING 1",
                P(conversation.Id), P(conversation.RoomId), P(conversation.Title), P(conversation.CreatedBy), Time(conversation.CreatedAt));
            if (await insert.ExecuteScalarAsync(ct).ConfigureAwait(false) is null)
            {
                using var room = Command(c, $"SELECT 1 FROM {_s}.rooms WHERE id = $1", P(conversation.RoomId));
                throw await room.ExecuteScalarAsync(ct).ConfigureAwait(false) is null
                    ? new NotFoundException($"Room '{conversation.RoomId}' does not exist.")
                    : new ConflictException($"Conversation '{conversation.Id}' already exists.");
            }

            using var triggers = Command(c,
                $"INSERT INTO {_s}.triggers (conversation_id, agent_id, sequence, room_id, kind, message_id, chain_depth, status, attempts, next_attempt_at, created_at) " +
                $"SELECT $1, p.account_id, 0, $2, {(int)FlowTriggerKind.ConversationCreated}, NULL, 0, 0, 0, '-infinity', $3 FROM {_s}.participants p " +
                "WHERE p.room_id = $2 AND p.auto_respond AND p.kind = 1 AND p.account_id <> $4 ON CONFLICT DO NOTHING",
                P(conversation.Id), P(conversation.RoomId), Time(_timeProvider.GetUtcNow()), P(conversation.CreatedBy));
            await triggers.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return (true, true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return new(ReadAsync(async (c, ct) =>
        {
            using var command = Command(c, $"SELECT {ConversationColumns} FROM {_s}.conversations c WHERE c.id = $1", P(conversationId));
            var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadConversation(reader) : null;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Conversation>> GetConversationsAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        return ReadListAsync($"SELECT {ConversationColumns} FROM {_s}.conversations c WHERE c.room_id = $1 ORDER BY c.created_at, c.id COLLATE \"C\"", ReadConversation, cancellationToken, P(roomId));
    }

    /// <inheritdoc />
    public override ValueTask<ReadMarkerResult> SetReadMarkerAsync(ReadMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        return new(WriteAsync(async (c, ct) =>
        {
            using var upsert = Command(c,
                $"INSERT INTO {_s}.read_markers AS m (conversation_id, account_id, sequence, updated_at) " +
                $"SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM {_s}.conversations WHERE id = $1) " +
                "ON CONFLICT (conversation_id, account_id) DO UPDATE SET sequence = EXCLUDED.sequence, updated_at = EXCLUDED.updated_at " +
                "WHERE m.sequence < EXCLUDED.sequence RETURNING 1",
                P(marker.ConversationId), P(marker.AccountId), P(marker.Sequence), Time(marker.UpdatedAt));
            if (await upsert.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null)
            {
                return (new ReadMarkerResult(new ReadMarker { ConversationId = marker.ConversationId, AccountId = marker.AccountId, Sequence = marker.Sequence, UpdatedAt = Micro(marker.UpdatedAt) }, Moved: true), true);
            }

            using var find = Command(c, $"SELECT sequence, updated_at FROM {_s}.read_markers WHERE conversation_id = $1 AND account_id = $2", P(marker.ConversationId), P(marker.AccountId));
            var reader = await find.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using var readerScope = reader.ConfigureAwait(false);
            if (!await reader.ReadAsync(ct).ConfigureAwait(false))
            {
                throw new NotFoundException($"Conversation '{marker.ConversationId}' does not exist.");
            }

            var existing = new ReadMarker { ConversationId = marker.ConversationId, AccountId = marker.AccountId, Sequence = reader.GetInt64(0), UpdatedAt = ReadTime(reader, 1) };
            return (new ReadMarkerResult(existing, Moved: false), true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return ReadListAsync(
            $"SELECT account_id, sequence, updated_at FROM {_s}.read_markers WHERE conversation_id = $1 ORDER BY account_id COLLATE \"C\"",
            r => new ReadMarker { ConversationId = conversationId, AccountId = r.GetString(0), Sequence = r.GetInt64(1), UpdatedAt = ReadTime(r, 2) },
            cancellationToken,
            P(conversationId));
    }

    /// <summary>Stops the batch writers after the appends already queued; closes the data source when the store created it.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _batcher.StopAsync().ConfigureAwait(false);
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _initGate.Dispose();
    }

    /// <summary>Stops the batch writers after the appends already queued; closes the data source when the store created it.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static Room Stored(Room room) => new() { Id = room.Id, Kind = room.Kind, Name = room.Name, CreatedBy = room.CreatedBy, CreatedAt = Micro(room.CreatedAt) };

    private async Task InsertParticipantsAsync(NpgsqlConnection connection, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        if (participants.Count == 0)
        {
            return;
        }

        using var batch = new NpgsqlBatch(connection) { Timeout = _commandTimeout };
        foreach (var participant in participants)
        {
            var command = new NpgsqlBatchCommand($"INSERT INTO {_s}.participants (room_id, account_id, kind, role, auto_respond, display_name, joined_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
            command.Parameters.AddRange(ParticipantParameters(participant));
            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlParameter[] ParticipantParameters(Participant p) =>
        [P(p.RoomId), P(p.AccountId), P((int)p.Kind), P((int)p.Role), P(p.AutoRespond), P(p.DisplayName), Time(p.JoinedAt)];

    private async Task WarnIfNotDurableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        using var command = Command(connection, "SELECT current_setting('synchronous_commit'), current_setting('fsync')");
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var synchronousCommit = reader.GetString(0);
        var fsync = reader.GetString(1);
        if (string.Equals(synchronousCommit, "off", StringComparison.OrdinalIgnoreCase))
        {
            Log.NotDurable(_logger, _server, "synchronous_commit", synchronousCommit);
        }

        if (string.Equals(fsync, "off", StringComparison.OrdinalIgnoreCase))
        {
            Log.NotDurable(_logger, _server, "fsync", fsync);
        }
    }
}
