using System.Collections.Concurrent;
using System.Threading.Channels;
using Conversations.Sqlite.Internal;
using Conversations.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Conversations.Sqlite.Internal.SqliteSession;

namespace Conversations.Sqlite;

/// <summary>
/// A <see cref="ConversationStore"/> in one SQLite file: durable, and safe for several processes that share
/// the file.
/// </summary>
/// <remarks>
/// <para>
/// Writes are acknowledged only after they are durable: the file runs in WAL mode with
/// <c>synchronous=FULL</c>, so every commit is flushed to disk before any caller's task completes. To make
/// that fast, one writer thread takes every write waiting at that moment and commits them together in one
/// transaction (group commit); a write that fails inside a batch is rolled back alone (a savepoint per
/// write) and does not fail the others.
/// </para>
/// <para>
/// Sequence numbers, idempotent appends and direct rooms are enforced by the database itself: each batch
/// holds SQLite's write lock (<c>BEGIN IMMEDIATE</c>), sequences come from the conversation row in the same
/// transaction, and unique keys back every rule, so the rules hold across processes too. Reads run on
/// separate pooled connections beside the writer. The schema is created and upgraded by numbered
/// migrations recorded in <c>PRAGMA user_version</c>; a file that is not a Conversations database, or that
/// was written by a newer version, is refused unchanged.
/// </para>
/// <para>Thread-safe. Dispose it to stop the writer and close the file.</para>
/// </remarks>
public sealed partial class SqliteConversationStore : ConversationStore, IAsyncDisposable, IDisposable
{
    private const string RoomColumns = "r.id, r.kind, r.name, r.created_by, r.created_at";

    private readonly SqliteStoreOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly string _dataSource;
    private readonly Lock _initGate = new();
    private readonly Channel<WriteOperation> _queue;
    private readonly ConcurrentBag<SqliteSession> _readers = [];
    private SqliteSession? _writer;
    private Thread? _writerThread;

    // The writer thread sleeps on this when the queue is empty; whoever queues a write wakes it directly (no thread-pool
    // hop, no spinning: on a busy machine the writer's yields kept it off the core while writes waited). It is never
    // disposed: a late wake may still set it, and without a wait handle taken from it there is nothing to release.
    private readonly ManualResetEventSlim _writerWake = new(initialState: false, spinCount: 0);
    private int _writerSleeping;
    private volatile bool _initialized;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="SqliteConversationStore"/> class. The file is opened on first use.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock that stamps log entries; <see langword="null"/> for <see cref="TimeProvider.System"/>.</param>
    /// <param name="logger">The logger; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public SqliteConversationStore(SqliteStoreOptions options, TimeProvider? timeProvider = null, ILogger<SqliteConversationStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        foreach (var result in new[] { new SqliteStoreOptionsValidator().Validate(Options.DefaultName, options), new SqliteBusyTimeoutValidator().Validate(Options.DefaultName, options) })
        {
            if (result.Failed)
            {
                failures.AddRange(result.Failures);
            }
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SqliteStoreOptions), failures);
        }

        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(SqliteStoreOptions), [$"ConnectionString is not a valid SQLite connection string: {e.Message}"]);
        }

        // The store keeps its own connections open; the provider's pool would only add a second layer.
        builder.Pooling = false;
        _options = options;
        _queue = Channel.CreateBounded<WriteOperation>(new BoundedChannelOptions(options.MaxQueuedWrites) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _connectionString = builder.ToString();
        _dataSource = builder.DataSource;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the file (or data source) this store uses.</summary>
    public string DataSource => _dataSource;

    /// <inheritdoc />
    /// <exception cref="UnavailableException">The file is not a Conversations database, was written by a newer version, is read-only, corrupt, or stayed locked beyond the busy timeout.</exception>
    public override ValueTask InitializeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        EnsureInitialized();
        return default;
    }

    /// <inheritdoc />
    public override ValueTask CreateRoomAsync(Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participants);
        return new(WriteAsync(s =>
        {
            if (FindRoom(s, room.Id) is not null)
            {
                throw new ConflictException($"Room '{room.Id}' already exists.");
            }

            InsertRoom(s, room, participants, directKey: null);
            return true;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<DirectRoomResult> GetOrCreateDirectRoomAsync(string directKey, Room room, IReadOnlyList<Participant> participants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(directKey);
        ArgumentNullException.ThrowIfNull(room);
        ArgumentNullException.ThrowIfNull(participants);
        return new(WriteAsync(s =>
        {
            var find = s.Command($"SELECT {RoomColumns} FROM rooms r WHERE r.direct_key = $key");
            Set(find, "$key", directKey);
            using (var reader = find.ExecuteReader())
            {
                if (reader.Read())
                {
                    return new DirectRoomResult(ReadRoom(reader), Created: false);
                }
            }

            if (FindRoom(s, room.Id) is not null)
            {
                throw new ConflictException($"Room '{room.Id}' already exists.");
            }

            InsertRoom(s, room, participants, directKey);
            return new DirectRoomResult(room, Created: true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Room?> GetRoomAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        return Read(s => FindRoom(s, roomId), cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Room>> GetRoomsForAccountAsync(string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(accountId);
        return Read<IReadOnlyList<Room>>(s =>
        {
            var command = s.Command($"SELECT {RoomColumns} FROM participants p JOIN rooms r ON r.id = p.room_id WHERE p.account_id = $a ORDER BY p.room_id");
            Set(command, "$a", accountId);
            var rooms = new List<Room>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                rooms.Add(ReadRoom(reader));
            }

            return rooms;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<Participant?> GetParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(accountId);
        return Read(s =>
        {
            var command = s.Command("SELECT room_id, account_id, kind, role, auto_respond, display_name, joined_at FROM participants WHERE room_id = $r AND account_id = $a");
            Set(command, "$r", roomId);
            Set(command, "$a", accountId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadParticipant(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Participant>> GetParticipantsAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        return Read<IReadOnlyList<Participant>>(s =>
        {
            var command = s.Command("SELECT room_id, account_id, kind, role, auto_respond, display_name, joined_at FROM participants WHERE room_id = $r ORDER BY pk");
            Set(command, "$r", roomId);
            var list = new List<Participant>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(ReadParticipant(reader));
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<bool> AddParticipantAsync(Participant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new(WriteAsync(s =>
        {
            var command = s.Command(
                "INSERT INTO participants (room_id, account_id, kind, role, auto_respond, display_name, joined_at) " +
                "SELECT $r, $a, $k, $role, $auto, $name, $at WHERE EXISTS (SELECT 1 FROM rooms WHERE id = $r) " +
                "ON CONFLICT (room_id, account_id) DO NOTHING");
            BindParticipant(command, participant);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> UpdateParticipantAsync(Participant participant, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(participant);
        return new(WriteAsync(s =>
        {
            var command = s.Command("UPDATE participants SET role = $role, auto_respond = $auto, display_name = $name WHERE room_id = $r AND account_id = $a");
            Set(command, "$r", participant.RoomId);
            Set(command, "$a", participant.AccountId);
            Set(command, "$role", (int)participant.Role);
            Set(command, "$auto", participant.AutoRespond ? 1 : 0);
            Set(command, "$name", participant.DisplayName);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<bool> RemoveParticipantAsync(string roomId, string accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        ArgumentNullException.ThrowIfNull(accountId);
        return new(WriteAsync(s =>
        {
            var command = s.Command("DELETE FROM participants WHERE room_id = $r AND account_id = $a");
            Set(command, "$r", roomId);
            Set(command, "$a", accountId);
            return command.ExecuteNonQuery() > 0;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask CreateConversationAsync(Conversation conversation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return new(WriteAsync(s =>
        {
            if (FindRoom(s, conversation.RoomId) is null)
            {
                throw new NotFoundException($"Room '{conversation.RoomId}' does not exist.");
            }

            var command = s.Command("INSERT INTO conversations (id, room_id, title, created_by, created_at, last_sequence) VALUES ($id, $r, $title, $by, $at, 0)");
            Set(command, "$id", conversation.Id);
            Set(command, "$r", conversation.RoomId);
            Set(command, "$title", conversation.Title);
            Set(command, "$by", conversation.CreatedBy);
            Set(command, "$at", Ticks(conversation.CreatedAt));
            command.ExecuteNonQuery();
            InsertTriggers(s, conversation.RoomId, conversation.Id, conversation.CreatedBy, 0, FlowTriggerKind.ConversationCreated, messageId: null, chainDepth: 0);
            return true;
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Conversation?> GetConversationAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return Read(s =>
        {
            var command = s.Command("SELECT id, room_id, title, created_by, created_at, last_sequence FROM conversations WHERE id = $id");
            Set(command, "$id", conversationId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadConversation(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Conversation>> GetConversationsAsync(string roomId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roomId);
        return Read<IReadOnlyList<Conversation>>(s =>
        {
            var command = s.Command("SELECT id, room_id, title, created_by, created_at, last_sequence FROM conversations WHERE room_id = $r ORDER BY created_at, id");
            Set(command, "$r", roomId);
            var list = new List<Conversation>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(ReadConversation(reader));
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<AppendResult> AppendMessageAsync(Message message, AppendOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        return new(WriteAsync(s => Append(s, message, options), cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageAsync(Message message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(WriteAsync(s => Update(s, message), cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<Message?> GetMessageAsync(string conversationId, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(messageId);
        return Read(s =>
        {
            var command = s.Command($"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.id = $id");
            Set(command, "$c", conversationId);
            Set(command, "$id", messageId);
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadMessage(reader) : null;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<Message>> GetMessagesAsync(string conversationId, HistoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        ArgumentNullException.ThrowIfNull(query);
        return Read<IReadOnlyList<Message>>(s =>
        {
            SqliteCommand command;
            var descending = query.After is null;
            if (query.After is { } after)
            {
                command = s.Command($"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.sequence > $s ORDER BY m.sequence LIMIT $n");
                Set(command, "$s", after);
            }
            else if (query.Before is { } before)
            {
                command = s.Command($"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.sequence < $s ORDER BY m.sequence DESC LIMIT $n");
                Set(command, "$s", before);
            }
            else
            {
                command = s.Command($"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c ORDER BY m.sequence DESC LIMIT $n");
            }

            Set(command, "$c", conversationId);
            Set(command, "$n", Math.Max(0, query.Limit));
            var list = new List<Message>(Math.Clamp(query.Limit, 0, 1024));
            using (var reader = command.ExecuteReader())
            {
                while (reader.Read())
                {
                    list.Add(ReadMessage(reader));
                }
            }

            if (descending)
            {
                list.Reverse();
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<LogEntry>> ReadLogAsync(string conversationId, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return Read<IReadOnlyList<LogEntry>>(s =>
        {
            var command = s.Command(
                $"SELECT {MessageColumns}, l.sequence, l.kind, l.at FROM log l JOIN messages m ON m.pk = l.message_pk " +
                "WHERE l.conversation_id = $c AND l.sequence > $s ORDER BY l.sequence LIMIT $n");
            Set(command, "$c", conversationId);
            Set(command, "$s", afterSequence);
            Set(command, "$n", Math.Max(0, limit));
            var list = new List<LogEntry>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                const int o = MessageColumnCount;
                list.Add(new LogEntry(reader.GetInt64(o), (LogEntryKind)reader.GetInt32(o + 1), ReadMessage(reader), Time(reader.GetInt64(o + 2))));
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public override ValueTask<ReadMarkerResult> SetReadMarkerAsync(ReadMarker marker, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(marker);
        return new(WriteAsync(s =>
        {
            RequireConversation(s, marker.ConversationId);
            var find = s.Command("SELECT sequence, updated_at FROM read_markers WHERE conversation_id = $c AND account_id = $a");
            Set(find, "$c", marker.ConversationId);
            Set(find, "$a", marker.AccountId);
            using (var reader = find.ExecuteReader())
            {
                if (reader.Read() && reader.GetInt64(0) >= marker.Sequence)
                {
                    var existing = new ReadMarker { ConversationId = marker.ConversationId, AccountId = marker.AccountId, Sequence = reader.GetInt64(0), UpdatedAt = Time(reader.GetInt64(1)) };
                    return new ReadMarkerResult(existing, Moved: false);
                }
            }

            var upsert = s.Command("INSERT OR REPLACE INTO read_markers (conversation_id, account_id, sequence, updated_at) VALUES ($c, $a, $s, $at)");
            Set(upsert, "$c", marker.ConversationId);
            Set(upsert, "$a", marker.AccountId);
            Set(upsert, "$s", marker.Sequence);
            Set(upsert, "$at", Ticks(marker.UpdatedAt));
            upsert.ExecuteNonQuery();
            return new ReadMarkerResult(marker, Moved: true);
        }, cancellationToken));
    }

    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<ReadMarker>> GetReadMarkersAsync(string conversationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        return Read<IReadOnlyList<ReadMarker>>(s =>
        {
            var command = s.Command("SELECT account_id, sequence, updated_at FROM read_markers WHERE conversation_id = $c ORDER BY account_id");
            Set(command, "$c", conversationId);
            var list = new List<ReadMarker>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                list.Add(new ReadMarker { ConversationId = conversationId, AccountId = reader.GetString(0), Sequence = reader.GetInt64(1), UpdatedAt = Time(reader.GetInt64(2)) });
            }

            return list;
        }, cancellationToken);
    }

    /// <summary>Stops the writer after the writes already queued, and closes the file.</summary>
    public void Dispose()
    {
        Thread? writer;
        lock (_initGate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            writer = _writerThread;
        }

        _queue.Writer.TryComplete();
        _writerWake.Set();
        writer?.Join();
        while (_queue.Reader.TryRead(out var pending))
        {
            pending.Fail(new ObjectDisposedException(nameof(SqliteConversationStore)));
        }

        _writer?.Dispose();
        while (_readers.TryTake(out var session))
        {
            session.Dispose();
        }
    }

    /// <summary>Stops the writer after the writes already queued, and closes the file.</summary>
    /// <returns>A task that completes when the store is closed.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    private AppendResult Append(SqliteSession s, Message message, AppendOptions options)
    {
        // One statement takes the next sequence and inserts, unless the same sender already used the client id.
        var insert = s.Statement(
            "INSERT INTO messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, attachments, data, " +
            "reply_to_id, client_message_id, status, created_at, edited_at, deleted_at, chain_depth, stream_owner, stream_lease_expires) " +
            "SELECT $c, c.last_sequence + 1, $id, $r, c.last_sequence + 1, $s, $sk, $t, $f, $att, $data, $reply, $k, $st, $at, $ed, $del, $depth, $owner, $lease " +
            "FROM conversations c WHERE c.id = $c " +
            "ON CONFLICT (conversation_id, sender_id, client_message_id) WHERE client_message_id IS NOT NULL DO NOTHING RETURNING pk, sequence");
        long pk = 0, sequence = 0;
        bool inserted;
        try
        {
            insert.Bind("$c", message.ConversationId);
            insert.Bind("$id", message.Id);
            insert.Bind("$r", message.RoomId);
            insert.Bind("$s", message.SenderId);
            insert.Bind("$sk", (int)message.SenderKind);
            insert.Bind("$t", message.Text);
            insert.Bind("$f", (int)message.Format);
            insert.Bind("$att", AttachmentsJson(message.Attachments));
            insert.Bind("$data", DataJson(message.Data));
            insert.Bind("$reply", message.ReplyToId);
            insert.Bind("$k", message.ClientMessageId);
            insert.Bind("$st", (int)message.Status);
            insert.Bind("$at", Ticks(message.CreatedAt));
            insert.Bind("$ed", message.EditedAt?.UtcTicks);
            insert.Bind("$del", message.DeletedAt?.UtcTicks);
            insert.Bind("$depth", message.ChainDepth);
            var lease = message.Status == MessageStatus.Streaming ? options.StreamLease : null;
            insert.Bind("$owner", lease?.Owner);
            insert.Bind("$lease", lease?.ExpiresAt.UtcTicks);
            inserted = insert.Step();
            if (inserted)
            {
                pk = insert.GetInt64(0);
                sequence = insert.GetInt64(1);
            }
        }
        finally
        {
            insert.Reset();
        }

        if (!inserted)
        {
            return new AppendResult(FindByClientId(s, message) ?? throw new NotFoundException($"Conversation '{message.ConversationId}' does not exist."), Created: false);
        }

        var counter = s.Statement("UPDATE conversations SET last_sequence = $seq WHERE id = $c");
        try
        {
            counter.Bind("$seq", sequence);
            counter.Bind("$c", message.ConversationId);
            counter.Run();
        }
        finally
        {
            counter.Reset();
        }

        InsertLog(s, message.ConversationId, sequence, LogEntryKind.Posted, pk);
        var triggers = options.CreateTriggers
            ? InsertTriggers(s, message.RoomId, message.ConversationId, message.SenderId, sequence, FlowTriggerKind.MessagePosted, message.Id, message.ChainDepth)
            : 0;
        return new AppendResult(Copy(message, sequence, sequence, message), Created: true, triggers);
    }

    private static Message? FindByClientId(SqliteSession s, Message message)
    {
        if (message.ClientMessageId is not { } clientId)
        {
            return null;
        }

        var find = s.Command($"SELECT {MessageColumns} FROM messages m WHERE m.conversation_id = $c AND m.sender_id = $s AND m.client_message_id = $k");
        Set(find, "$c", message.ConversationId);
        Set(find, "$s", message.SenderId);
        Set(find, "$k", clientId);
        using var reader = find.ExecuteReader();
        return reader.Read() ? ReadMessage(reader) : null;
    }

    private UpdateResult Update(SqliteSession s, Message message)
    {
        var (current, pk) = FindForChange(s, message.ConversationId, message.Id);
        if (current is null)
        {
            return new UpdateResult(UpdateOutcome.NotFound, null);
        }

        // Invariant 10: compare and swap on the sequence the caller read; a deleted message never changes again.
        if (current.IsDeleted || current.LastSequence != message.LastSequence)
        {
            return new UpdateResult(UpdateOutcome.Conflict, current);
        }

        return new UpdateResult(UpdateOutcome.Updated, StoreChange(s, current, pk, message));
    }

    private static (Message? Current, long Pk) FindForChange(SqliteSession s, string conversationId, string messageId)
    {
        var find = s.Command($"SELECT {MessageColumns}, m.pk FROM messages m WHERE m.conversation_id = $c AND m.id = $id");
        Set(find, "$c", conversationId);
        Set(find, "$id", messageId);
        using var reader = find.ExecuteReader();
        return reader.Read() ? (ReadMessage(reader), reader.GetInt64(MessageColumnCount)) : (null, 0);
    }

    /// <summary>Stores a change at the next sequence; a change that ends a stream ends its lease.</summary>
    private Message StoreChange(SqliteSession s, Message current, long pk, Message message)
    {
        var sequence = NextSequence(s, message.ConversationId);
        var update = s.Command(
            "UPDATE messages SET last_sequence = $seq, text = $t, format = $f, attachments = $att, data = $data, status = $st, " +
            "edited_at = $ed, deleted_at = $del, " +
            "stream_owner = CASE WHEN $st = 1 THEN stream_owner END, stream_lease_expires = CASE WHEN $st = 1 THEN stream_lease_expires END " +
            "WHERE pk = $pk");
        Set(update, "$seq", sequence);
        Set(update, "$t", message.Text);
        Set(update, "$f", (int)message.Format);
        Set(update, "$att", AttachmentsJson(message.Attachments));
        Set(update, "$data", DataJson(message.Data));
        Set(update, "$st", (int)message.Status);
        Set(update, "$ed", Ticks(message.EditedAt));
        Set(update, "$del", Ticks(message.DeletedAt));
        Set(update, "$pk", pk);
        update.ExecuteNonQuery();
        InsertLog(s, message.ConversationId, sequence, message.DeletedAt is null ? LogEntryKind.Updated : LogEntryKind.Deleted, pk);
        return Copy(current, current.Sequence, sequence, message);
    }

    private static long NextSequence(SqliteSession s, string conversationId)
    {
        var next = s.Command("UPDATE conversations SET last_sequence = last_sequence + 1 WHERE id = $c RETURNING last_sequence");
        Set(next, "$c", conversationId);
        return next.ExecuteScalar() is long sequence
            ? sequence
            : throw new NotFoundException($"Conversation '{conversationId}' does not exist.");
    }
}
