using Conversations.Sqlite.Internal;
using Conversations.Storage;
using Microsoft.Data.Sqlite;
using static Conversations.Sqlite.Internal.SqliteSession;

namespace Conversations.Sqlite;

public sealed partial class SqliteConversationStore
{
    private static readonly Conversations.Storage.Internal.StoreTelemetry s_telemetry = new("sqlite");

    private void InsertLog(SqliteSession s, string conversationId, long sequence, LogEntryKind kind, long messagePk)
    {
        var insert = s.Statement("INSERT INTO log (conversation_id, sequence, kind, message_pk, at) VALUES ($c, $s, $k, $m, $at)");
        try
        {
            insert.Bind("$c", conversationId);
            insert.Bind("$s", sequence);
            insert.Bind("$k", (int)kind);
            insert.Bind("$m", messagePk);
            insert.Bind("$at", Ticks(_timeProvider.GetUtcNow()));
            insert.Run();
        }
        finally
        {
            insert.Reset();
        }
    }

    private static Room? FindRoom(SqliteSession s, string roomId)
    {
        var command = s.Command($"SELECT {RoomColumns} FROM rooms r WHERE r.id = $id");
        Set(command, "$id", roomId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadRoom(reader) : null;
    }

    private static void RequireConversation(SqliteSession s, string conversationId)
    {
        var command = s.Command("SELECT 1 FROM conversations WHERE id = $c");
        Set(command, "$c", conversationId);
        if (command.ExecuteScalar() is null)
        {
            throw new NotFoundException($"Conversation '{conversationId}' does not exist.");
        }
    }

    private static void InsertRoom(SqliteSession s, Room room, IReadOnlyList<Participant> participants, string? directKey)
    {
        var insert = s.Command("INSERT INTO rooms (id, kind, name, created_by, created_at, direct_key) VALUES ($id, $k, $n, $by, $at, $key)");
        Set(insert, "$id", room.Id);
        Set(insert, "$k", (int)room.Kind);
        Set(insert, "$n", room.Name);
        Set(insert, "$by", room.CreatedBy);
        Set(insert, "$at", Ticks(room.CreatedAt));
        Set(insert, "$key", directKey);
        insert.ExecuteNonQuery();
        var add = s.Command("INSERT INTO participants (room_id, account_id, kind, role, auto_respond, display_name, joined_at) VALUES ($r, $a, $k, $role, $auto, $name, $at)");
        foreach (var participant in participants)
        {
            BindParticipant(add, participant);
            add.ExecuteNonQuery();
        }
    }

    private static void BindParticipant(SqliteCommand command, Participant participant)
    {
        Set(command, "$r", participant.RoomId);
        Set(command, "$a", participant.AccountId);
        Set(command, "$k", (int)participant.Kind);
        Set(command, "$role", (int)participant.Role);
        Set(command, "$auto", participant.AutoRespond ? 1 : 0);
        Set(command, "$name", participant.DisplayName);
        Set(command, "$at", Ticks(participant.JoinedAt));
    }

    // The stored message: identity and creation from `stored`, mutable fields from `fields`.
    private static Message Copy(Message stored, long sequence, long lastSequence, Message fields, MessageStatus? status = null) => new()
    {
        Id = stored.Id,
        RoomId = stored.RoomId,
        ConversationId = stored.ConversationId,
        Sequence = sequence,
        LastSequence = lastSequence,
        SenderId = stored.SenderId,
        SenderKind = stored.SenderKind,
        ReplyToId = stored.ReplyToId,
        ClientMessageId = stored.ClientMessageId,
        CreatedAt = stored.CreatedAt,
        Text = fields.Text,
        Format = fields.Format,
        Attachments = fields.Attachments,
        Data = fields.Data,
        Status = status ?? fields.Status,
        EditedAt = fields.EditedAt,
        DeletedAt = fields.DeletedAt,
        ChainDepth = stored.ChainDepth,
    };

    private Task<T> WriteAsync<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        try
        {
            EnsureInitialized();
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }

        var operation = new WriteOperation<T>(body, cancellationToken);
        if (!_queue.Writer.TryWrite(operation))
        {
            return EnqueueWhenRoomAsync(operation, cancellationToken);
        }

        WakeWriter();
        return operation.Task;
    }

    /// <summary>The write queue is full (or closed): wait for room, then for the write.</summary>
    private async Task<T> EnqueueWhenRoomAsync<T>(WriteOperation<T> operation, CancellationToken cancellationToken)
    {
        try
        {
            await _queue.Writer.WriteAsync(operation, cancellationToken).ConfigureAwait(false);
            WakeWriter();
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
            throw new ObjectDisposedException(nameof(SqliteConversationStore));
        }

        return await operation.Task.ConfigureAwait(false);
    }

    private ValueTask<T> Read<T>(Func<SqliteSession, T> body, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<T>(cancellationToken);
        }

        SqliteSession? session = null;
        try
        {
            EnsureInitialized();
            session = RentReader();
            var result = body(session);
            ReturnReader(session);
            return new(result);
        }
        catch (Exception e)
        {
            session?.Dispose();
            return ValueTask.FromException<T>(SqliteErrors.Map(e, _dataSource, _options.BusyTimeout));
        }
    }

    private SqliteSession RentReader()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _readers.TryTake(out var session) ? session : SqliteSession.Open(_connectionString, _options.BusyTimeout);
    }

    private void ReturnReader(SqliteSession session)
    {
        if (_disposed || _readers.Count >= _options.MaxIdleReadConnections)
        {
            session.Dispose();
            return;
        }

        _readers.Add(session);
    }

    private void EnsureInitialized()
    {
        if (_initialized)
        {
            return;
        }

        lock (_initGate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_initialized)
            {
                return;
            }

            SqliteSession? writer = null;
            try
            {
                writer = SqliteSession.Open(_connectionString, _options.BusyTimeout);
                var (from, to) = SqliteSchema.Migrate(writer.Connection, _dataSource, requireWritable: () => RequireWritable(writer));
                RequireWritable(writer);
                var mode = writer.Command("PRAGMA journal_mode = WAL").ExecuteScalar() as string;
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UnavailableException($"The SQLite database '{_dataSource}' cannot use WAL journaling (it reports '{mode}'); the store needs a local file with WAL support.");
                }

                // Both are settings of this connection: readers keep SQLite's defaults (their caches are reset by every commit anyway).
                writer.Execute(FormattableString.Invariant($"PRAGMA cache_size = {-1024L * _options.WriterCacheMegabytes}; PRAGMA wal_autocheckpoint = {_options.WalAutoCheckpointPages};"));
                if (from != to)
                {
                    Log.Migrated(_logger, _dataSource, from, to);
                }

                Log.Opened(_logger, _dataSource, to);
            }
            catch (Exception e)
            {
                writer?.Dispose();
                throw SqliteErrors.Map(e, _dataSource, _options.BusyTimeout);
            }

            _writer = writer;
            _writerThread = new Thread(WriterLoop) { IsBackground = true, Name = "Conversations SQLite writer" };
            _writerThread.Start();
            _initialized = true;
        }
    }

    private void RequireWritable(SqliteSession writer)
    {
        if (SQLitePCL.raw.sqlite3_db_readonly(writer.Connection.Handle, "main") == 1)
        {
            throw new UnavailableException($"The SQLite database '{_dataSource}' is read-only (file permissions, a read-only mount, or Mode=ReadOnly). The store needs write access; nothing was changed.");
        }
    }

    private void WriterLoop()
    {
        var reader = _queue.Reader;
        var batch = new List<WriteOperation>();
        while (true)
        {
            if (!WaitForWrites(reader))
            {
                return;
            }

            batch.Clear();
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var operation))
            {
                if (operation.CancellationToken.IsCancellationRequested)
                {
                    operation.Fail(new OperationCanceledException(operation.CancellationToken));
                }
                else
                {
                    batch.Add(operation);
                }
            }

            if (batch.Count > 0)
            {
                RunBatch(batch);
            }
        }
    }

    /// <summary>Blocks the writer thread until a write is queued; false once the queue is closed and empty.</summary>
    private bool WaitForWrites(System.Threading.Channels.ChannelReader<WriteOperation> reader)
    {
        while (!reader.TryPeek(out _))
        {
            if (reader.Completion.IsCompleted)
            {
                return false;
            }

            // Say we sleep, then look once more: a write queued before the flag was seen is found here, one queued after
            // it finds the flag and wakes us (both sides use full fences).
            _writerWake.Reset();
            Interlocked.Exchange(ref _writerSleeping, 1);
            if (!reader.TryPeek(out _) && !reader.Completion.IsCompleted)
            {
                _writerWake.Wait();
            }

            Interlocked.Exchange(ref _writerSleeping, 0);
        }

        return true;
    }

    private void WakeWriter()
    {
        if (Interlocked.Exchange(ref _writerSleeping, 0) == 1)
        {
            _writerWake.Set();
        }
    }

    private void RunBatch(List<WriteOperation> batch)
    {
        var writer = _writer!;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            // Fast path: the whole batch in one transaction. If any write fails, roll everything back and run
            // the batch again with a savepoint around each write, so only the failing ones are refused.
            if (!TryRunBatch(writer, batch, isolate: false))
            {
                TryRunBatch(writer, batch, isolate: true);
            }
        }
        catch (Exception e)
        {
            Log.BatchFailed(_logger, batch.Count, e);
            var error = SqliteErrors.Map(e, _dataSource, _options.BusyTimeout);
            foreach (var operation in batch)
            {
                operation.Fail(error);
            }

            return;
        }

        Log.BatchCommitted(_logger, batch.Count);
        s_telemetry.BatchCommitted(batch.Count(operation => operation.Error is null), started);
        foreach (var operation in batch)
        {
            operation.Complete();
        }
    }

    private bool TryRunBatch(SqliteSession writer, List<WriteOperation> batch, bool isolate)
    {
        writer.Execute("BEGIN IMMEDIATE");
        try
        {
            foreach (var operation in batch)
            {
                operation.Error = null;
                if (!isolate)
                {
                    try
                    {
                        operation.Run(writer);
                    }
                    catch (Exception) when (InTransaction(writer))
                    {
                        writer.Execute("ROLLBACK");
                        return false;
                    }

                    continue;
                }

                writer.Execute("SAVEPOINT op");
                try
                {
                    operation.Run(writer);
                    writer.Execute("RELEASE op");
                }
                catch (Exception e) when (InTransaction(writer))
                {
                    // The write is refused alone; the rest of the batch goes on.
                    writer.Execute("ROLLBACK TO op");
                    writer.Execute("RELEASE op");
                    operation.Error = SqliteErrors.Map(e, _dataSource, _options.BusyTimeout);
                }
            }

            writer.Execute("COMMIT");
            return true;
        }
        catch
        {
            if (InTransaction(writer))
            {
                writer.Execute("ROLLBACK");
            }

            throw;
        }
    }

    private static bool InTransaction(SqliteSession session) =>
        session.Connection.Handle is { IsInvalid: false } handle && SQLitePCL.raw.sqlite3_get_autocommit(handle) == 0;
}
