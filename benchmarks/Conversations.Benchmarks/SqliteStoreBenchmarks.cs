using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Conversations.Sqlite;
using Conversations.Storage;
using Microsoft.Data.Sqlite;

namespace Conversations.Benchmarks;

/// <summary>
/// Durable post throughput of the SQLite store with 1, 16 and 64 concurrent posters, against a raw
/// Microsoft.Data.Sqlite loop that writes the same rows (message, log entry, conversation counter) in
/// transactions of as many rows as there are posters, measured in the same run. Both commit with WAL and
/// synchronous=FULL, so every acknowledged row is on disk.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SqliteBenchmarkConfig))]
public class SqliteStoreBenchmarks
{
    /// <summary>Messages written per benchmark operation; the reported time is per message.</summary>
    public const int MessagesPerOperation = 2048;

    private string _directory = "";
    private SqliteConversationStore _store = null!;
    private SqliteConnection _raw = null!;
    private SqliteCommand _rawMessage = null!;
    private SqliteCommand _rawLog = null!;
    private SqliteCommand _rawCounter = null!;
    private long _next;

    [Params(1, 16, 64)]
    public int Posters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "conversations-sqlite-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(_directory);
        _store = SqliteSeed.OpenWithConversation(Path.Combine(_directory, "store.db"));

        var rawPath = Path.Combine(_directory, "raw.db");
        SqliteSeed.OpenWithConversation(rawPath).Dispose();
        _raw = new SqliteConnection($"Data Source={rawPath};Pooling=False");
        _raw.Open();
        SqliteSeed.Execute(_raw, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;");
        _rawCounter = Command(_raw, "UPDATE conversations SET last_sequence = last_sequence + 1 WHERE id = 'c' RETURNING last_sequence");
        _rawMessage = Command(_raw,
            "INSERT INTO messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, status, created_at, client_message_id) " +
            "VALUES ('c', $seq, $id, 'r', $seq, 'alice', 0, $text, 0, 0, $at, $id) RETURNING pk");
        _rawLog = Command(_raw, "INSERT INTO log (conversation_id, sequence, kind, message_pk, at) VALUES ('c', $seq, 0, $pk, $at)");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        _rawCounter.Dispose();
        _rawMessage.Dispose();
        _rawLog.Dispose();
        _raw.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>The raw limit: the same rows, <see cref="Posters"/> rows per durable transaction, one thread.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = MessagesPerOperation)]
    public void RawBatchedInsert()
    {
        var at = DateTimeOffset.UnixEpoch.UtcTicks;
        for (var written = 0; written < MessagesPerOperation;)
        {
            SqliteSeed.Execute(_raw, "BEGIN IMMEDIATE");
            for (var i = 0; i < Posters && written < MessagesPerOperation; i++, written++)
            {
                var id = "m" + (++_next).ToString(CultureInfo.InvariantCulture);
                var sequence = (long)_rawCounter.ExecuteScalar()!;
                _rawMessage.Parameters["$seq"].Value = sequence;
                _rawMessage.Parameters["$id"].Value = id;
                _rawMessage.Parameters["$text"].Value = id;
                _rawMessage.Parameters["$at"].Value = at;
                var pk = (long)_rawMessage.ExecuteScalar()!;
                _rawLog.Parameters["$seq"].Value = sequence;
                _rawLog.Parameters["$pk"].Value = pk;
                _rawLog.Parameters["$at"].Value = at;
                _rawLog.ExecuteNonQuery();
            }

            SqliteSeed.Execute(_raw, "COMMIT");
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
                    await _store.AppendMessageAsync(SqliteSeed.Message(id), AppendOptions.None, CancellationToken.None);
                }
            });
        }

        await Task.WhenAll(posters);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in new[] { "$seq", "$id", "$text", "$at", "$pk" })
        {
            if (sql.Contains(name, StringComparison.Ordinal))
            {
                command.Parameters.Add(new SqliteParameter(name, null));
            }
        }

        command.Prepare();
        return command;
    }
}

/// <summary>
/// History page latency (the latest 50 messages, and 50 before a sequence in the middle) on conversations of
/// 10,000 and 1,000,000 messages. The single-page p50/p99 columns come from 5,000 timed pages in the same process.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SqliteBenchmarkConfig))]
public class SqliteStoreHistoryBenchmarks
{
    private string _directory = "";
    private SqliteConversationStore _store = null!;
    private HistoryQuery _middle = null!;

    [Params(10_000, 1_000_000)]
    public int Messages { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "conversations-sqlite-bench", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "history.db");
        SqliteSeed.OpenWithConversation(path).Dispose();
        SqliteSeed.BulkInsert(path, Messages);
        _store = SqliteSeed.Open(path);
        _middle = new HistoryQuery { Before = Messages / 2, Limit = 50 };

        // Per-page latency percentiles, for the p50/p99 columns.
        var latest = HistoryQuery.Latest(50);
        var samples = new double[5000];
        for (var i = 0; i < 500; i++)
        {
            _ = _store.GetMessagesAsync("c", latest, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }

        for (var i = 0; i < samples.Length; i++)
        {
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            _ = _store.GetMessagesAsync("c", latest, CancellationToken.None).AsTask().GetAwaiter().GetResult();
            samples[i] = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(samples);
        var text = string.Create(CultureInfo.InvariantCulture, $"{samples[samples.Length / 2]:F0} {samples[(int)(samples.Length * 0.99)]:F0}");
        Directory.CreateDirectory(SqliteBenchmarkConfig.ResultDirectory);
        File.WriteAllText(Path.Combine(SqliteBenchmarkConfig.ResultDirectory, $"history-{Messages}.txt"), text);
        Console.WriteLine($"// latest-50 page over {Messages} messages: p50/p99 us = {text}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Benchmark(Baseline = true)]
    public ValueTask<IReadOnlyList<Message>> LatestPage() => _store.GetMessagesAsync("c", HistoryQuery.Latest(50), CancellationToken.None);

    [Benchmark]
    public ValueTask<IReadOnlyList<Message>> PageBeforeMiddle() => _store.GetMessagesAsync("c", _middle, CancellationToken.None);
}

internal static class SqliteSeed
{
    private static readonly DateTimeOffset s_at = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static SqliteConversationStore Open(string path)
    {
        var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = $"Data Source={path}" });
        store.InitializeAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return store;
    }

    public static SqliteConversationStore OpenWithConversation(string path)
    {
        var store = Open(path);
        store.CreateRoomAsync(new Room { Id = "r", Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = s_at }, [], CancellationToken.None).AsTask().GetAwaiter().GetResult();
        store.CreateConversationAsync(new Conversation { Id = "c", RoomId = "r", CreatedBy = "alice", CreatedAt = s_at }, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return store;
    }

    public static Message Message(string id) => new()
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
        CreatedAt = s_at,
    };

    /// <summary>Writes <paramref name="count"/> messages in one unsynchronized transaction: a fast setup, not a measurement.</summary>
    public static void BulkInsert(string path, int count)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA synchronous = OFF; BEGIN");
        using var message = connection.CreateCommand();
        message.CommandText =
            "INSERT INTO messages (pk, conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, status, created_at) " +
            "VALUES ($seq, 'c', $seq, $id, 'r', $seq, 'alice', 0, $text, 0, 0, $at)";
        var seq = message.Parameters.Add(new SqliteParameter("$seq", 0L));
        var id = message.Parameters.Add(new SqliteParameter("$id", ""));
        var text = message.Parameters.Add(new SqliteParameter("$text", ""));
        message.Parameters.Add(new SqliteParameter("$at", s_at.UtcTicks));
        message.Prepare();
        for (long i = 1; i <= count; i++)
        {
            seq.Value = i;
            id.Value = "m" + i.ToString(CultureInfo.InvariantCulture);
            text.Value = "A typical chat message of a few dozen characters, number " + i.ToString(CultureInfo.InvariantCulture);
            message.ExecuteNonQuery();
        }

        Execute(connection, $"INSERT INTO log (conversation_id, sequence, kind, message_pk, at) SELECT 'c', sequence, 0, pk, created_at FROM messages WHERE conversation_id = 'c'; UPDATE conversations SET last_sequence = {count} WHERE id = 'c'; COMMIT; PRAGMA wal_checkpoint(TRUNCATE);");
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

internal sealed class SqliteBenchmarkConfig : ManualConfig
{
    public static string ResultDirectory => Path.Combine(Path.GetTempPath(), "conversations-sqlite-bench-results");

    public SqliteBenchmarkConfig()
    {
        AddJob(Job.ShortRun);
        AddColumn(
            new ResultColumn("Msgs/s", "Durably written messages per second", MessagesPerSecond),
            new ResultColumn("Page p50", "Latency of one latest-50 page, over 5,000 timed pages", (_, c) => PageLatency(c, 0)),
            new ResultColumn("Page p99", "Latency of one latest-50 page, over 5,000 timed pages", (_, c) => PageLatency(c, 1)));
    }

    private static string MessagesPerSecond(Summary summary, BenchmarkCase benchmarkCase) =>
        benchmarkCase.Descriptor.Type == typeof(SqliteStoreHistoryBenchmarks) || summary[benchmarkCase]?.ResultStatistics?.Mean is not { } ns
            ? "-"
            : (1e9 / ns).ToString("N0", CultureInfo.InvariantCulture);

    private static string PageLatency(BenchmarkCase benchmarkCase, int percentile)
    {
        if (benchmarkCase.Descriptor.WorkloadMethod.Name != nameof(SqliteStoreHistoryBenchmarks.LatestPage))
        {
            return "-";
        }

        var path = Path.Combine(ResultDirectory, $"history-{benchmarkCase.Parameters["Messages"]}.txt");
        return File.Exists(path) ? File.ReadAllText(path).Split(' ')[percentile] + " us" : "?";
    }
}

