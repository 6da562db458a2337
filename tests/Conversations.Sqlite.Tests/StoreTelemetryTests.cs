using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Tests;

/// <summary>Telemetry tests listen to the process-wide "Conversations" meter, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>The writer reports each transaction it commits: how many writes it stored and how long it took.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class StoreTelemetryTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Writes_QueuedWhileTheFileIsLocked_AreMeasuredInAtMostTwoBatches_RefusedOneLeftOut()
    {
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });
        await store.InitializeAsync(CancellationToken.None);

        // Another connection holds the write lock.
        await HeldWrites.ShouldBeMeasuredInAtMostTwoBatchesAsync(store, "sqlite", () =>
        {
            var locker = new SqliteConnection(_database.ConnectionString + ";Pooling=False");
            locker.Open();
            Execute(locker, "BEGIN IMMEDIATE");
            return Task.FromResult<Func<Task>>(() =>
            {
                Execute(locker, "ROLLBACK");
                locker.Dispose();
                return Task.CompletedTask;
            });
        });
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
