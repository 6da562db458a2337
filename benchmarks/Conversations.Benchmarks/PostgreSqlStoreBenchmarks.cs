using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using Conversations.PostgreSql;
using Conversations.Storage;
using Npgsql;

namespace Conversations.Benchmarks;

/// <summary>
/// Durable post throughput of the PostgreSQL store with 1, 16 and 64 concurrent posters, against raw Npgsql writing the
/// same rows (message, log entry, conversation counter) in transactions of as many rows as there are posters — one batch
/// and one commit per transaction, sequences counted on the client — measured in the same run on the same server. Both
/// commit with the server's synchronous_commit, so every acknowledged row is durable. The server comes from
/// CONVERSATIONS_BENCH_POSTGRES (or CONVERSATIONS_TEST_POSTGRES); each run works in schemas of its own.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(PostgreSqlBenchmarkConfig))]
public class PostgreSqlStoreBenchmarks
{
    /// <summary>Messages written per benchmark operation; the reported time is per message.</summary>
    public const int MessagesPerOperation = 1024;

    private static readonly DateTimeOffset At = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N")[..12];
    private PostgreSqlConversationStore _store = null!;
    private NpgsqlDataSource _raw = null!;
    private long _next;
    private long _rawSequence;

    [Params(1, 16, 64)]
    public int Posters { get; set; }

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("CONVERSATIONS_BENCH_POSTGRES") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_POSTGRES") is { Length: > 0 } test ? test
        : throw new InvalidOperationException("Set CONVERSATIONS_BENCH_POSTGRES (or CONVERSATIONS_TEST_POSTGRES) to an Npgsql connection string of a server the benchmark may create schemas on.");

    [GlobalSetup]
    public void Setup()
    {
        _store = OpenWithConversation(_schema);
        OpenWithConversation(_schema + "_raw").Dispose();
        _raw = NpgsqlDataSource.Create(ConnectionString);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        using (var drop = _raw.CreateCommand($"DROP SCHEMA {_schema} CASCADE; DROP SCHEMA {_schema}_raw CASCADE"))
        {
            drop.ExecuteNonQuery();
        }

        _raw.Dispose();
    }

    /// <summary>The raw limit: the same rows, <see cref="Posters"/> rows per durable transaction, in one batch, one connection.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerOperation)]
    public async Task RawBatchedInsert()
    {
        var s = _schema + "_raw";
        await using var connection = await _raw.OpenConnectionAsync();
        for (var written = 0; written < MessagesPerOperation;)
        {
            var count = Math.Min(Posters, MessagesPerOperation - written);
            var ids = new string[count];
            var sequences = new long[count];
            for (var i = 0; i < count; i++)
            {
                ids[i] = "m" + (++_next).ToString(CultureInfo.InvariantCulture);
                sequences[i] = ++_rawSequence;
            }

            await using var batch = new NpgsqlBatch(connection);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            var messages = new NpgsqlBatchCommand(
                $"INSERT INTO {s}.messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, client_message_id, status, created_at) " +
                "SELECT 'c', u.seq, u.id, 'r', u.seq, 'alice', 0, u.id, 0, u.id, 0, $3 FROM unnest($1::text[], $2::bigint[]) AS u (id, seq)");
            messages.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = ids });
            messages.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sequences });
            messages.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = At });
            batch.BatchCommands.Add(messages);
            var log = new NpgsqlBatchCommand($"INSERT INTO {s}.log (conversation_id, sequence, kind, message_sequence, at) SELECT 'c', seq, 0, seq, $2 FROM unnest($1::bigint[]) AS seq");
            log.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = sequences });
            log.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = At });
            batch.BatchCommands.Add(log);
            var counter = new NpgsqlBatchCommand($"UPDATE {s}.conversations SET last_sequence = $1 WHERE id = 'c'");
            counter.Parameters.Add(new NpgsqlParameter<long> { TypedValue = _rawSequence });
            batch.BatchCommands.Add(counter);
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await batch.ExecuteNonQueryAsync();
            written += count;
        }
    }

    /// <summary><see cref="Posters"/> concurrent posters, each awaiting its durable acknowledgement before the next post.</summary>
    [Benchmark(OperationsPerInvoke = MessagesPerOperation)]
    public async Task Post()
    {
        var perPoster = MessagesPerOperation / Posters;
        var posters = new Task[Posters];
        for (var p = 0; p < Posters; p++)
        {
            posters[p] = Task.Run(async () =>
            {
                for (var i = 0; i < perPoster; i++)
                {
                    var id = "m" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
                    await _store.AppendMessageAsync(Message(id), AppendOptions.None, CancellationToken.None);
                }
            });
        }

        await Task.WhenAll(posters);
    }

    private static PostgreSqlConversationStore OpenWithConversation(string schema)
    {
        var store = new PostgreSqlConversationStore(new PostgreSqlStoreOptions { ConnectionString = ConnectionString, Schema = schema });
        store.InitializeAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        store.CreateRoomAsync(new Room { Id = "r", Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = At }, [], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        store.CreateConversationAsync(new Conversation { Id = "c", RoomId = "r", CreatedBy = "alice", CreatedAt = At }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return store;
    }

    private static Message Message(string id) => new()
    {
        Id = id,
        RoomId = "r",
        ConversationId = "c",
        Sequence = 0,
        LastSequence = 0,
        SenderId = "alice",
        SenderKind = AccountKind.User,
        Text = id,
        ClientMessageId = id,
        CreatedAt = At,
    };
}

internal sealed class PostgreSqlBenchmarkConfig : ManualConfig
{
    public PostgreSqlBenchmarkConfig()
    {
        AddJob(Job.ShortRun);
        AddColumn(new ResultColumn("Msgs/s", "Durably written messages per second", static (summary, benchmarkCase) =>
            summary[benchmarkCase]?.ResultStatistics?.Mean is { } ns ? (1e9 / ns).ToString("N0", CultureInfo.InvariantCulture) : "-"));
    }
}
