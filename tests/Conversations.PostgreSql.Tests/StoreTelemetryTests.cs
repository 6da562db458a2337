using Npgsql;

namespace Conversations.PostgreSql.Tests;

/// <summary>Telemetry tests listen to the process-wide "Conversations" meter, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>The append batcher reports each transaction it commits: how many appends it stored and how long it took.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class StoreTelemetryTests
{
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Appends_QueuedWhileTheConversationIsLocked_AreMeasuredInAtMostTwoBatches_RefusedOneLeftOut()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var store = await schema.OpenStoreAsync();

        // Another transaction holds the conversation's row: a batch can start but not commit until it is let go.
        await HeldWrites.ShouldBeMeasuredInAtMostTwoBatchesAsync(store, "postgresql", async () =>
        {
            var locker = new NpgsqlConnection(TestServers.Postgres);
            await locker.OpenAsync();
            var transaction = await locker.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand($"SELECT 1 FROM {schema.Name}.conversations WHERE id = 'c1' FOR UPDATE", locker, transaction))
            {
                await lockRow.ExecuteScalarAsync();
            }

            return async () =>
            {
                await transaction.RollbackAsync();
                await transaction.DisposeAsync();
                await locker.DisposeAsync();
            };
        });
    }
}
