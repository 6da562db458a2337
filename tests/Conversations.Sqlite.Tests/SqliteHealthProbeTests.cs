using Conversations.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Conversations.Sqlite.Tests;

/// <summary>The SQLite store's health probe: answers, and can take the write lock now, without writing anything.</summary>
public sealed class SqliteHealthProbeTests : IDisposable
{
    private readonly TempDatabase _database = new();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(60)).Token;

    [Fact]
    public async Task Probe_WritableFile_IsWritable_AndWritesNothing()
    {
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });
        await store.InitializeAsync(Timeout);
        var before = await File.ReadAllBytesAsync(_database.Path);

        (await store.ProbeAsync(Timeout)).Should().Be(StoreProbeResult.Writable);

        (await File.ReadAllBytesAsync(_database.Path)).Should().Equal(before);
    }

    [Fact]
    public async Task Probe_ReadOnlyDatabase_FailsWithUnavailable()
    {
        await using (var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString }))
        {
            await store.InitializeAsync(Timeout);
        }

        await using var readOnly = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString + ";Mode=ReadOnly" });

        (await FluentActions.Awaiting(() => readOnly.ProbeAsync(Timeout).AsTask()).Should().ThrowAsync<UnavailableException>())
            .Which.Message.Should().Contain("read-only");
    }

    [Fact]
    public async Task Probe_WriteLockHeldByAnotherProcess_FailsAfterTheBusyTimeout_ThenRecovers()
    {
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString, BusyTimeout = TimeSpan.FromMilliseconds(50) });
        await store.InitializeAsync(Timeout);

        using (var other = new SqliteConnection(_database.ConnectionString))
        {
            other.Open();
            using var hold = other.CreateCommand();
            hold.CommandText = "BEGIN IMMEDIATE";
            hold.ExecuteNonQuery();

            await FluentActions.Awaiting(() => store.ProbeAsync(Timeout).AsTask()).Should().ThrowAsync<UnavailableException>();

            hold.CommandText = "ROLLBACK";
            hold.ExecuteNonQuery();
        }

        (await store.ProbeAsync(Timeout)).Should().Be(StoreProbeResult.Writable);
    }

    [Fact]
    public async Task HealthCheck_OnUseSqlite_ReportsTheStoreWritable()
    {
        var services = new ServiceCollection();
        services.AddConversations().UseSqlite(_database.ConnectionString);
        services.AddHealthChecks().AddConversationsHealthChecks();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(Timeout);

        report.Status.Should().Be(HealthStatus.Healthy);
        report.Entries[ConversationsHealthCheckOptions.StoreCheckName].Data["writable"].Should().Be("yes");
        report.Entries[ConversationsHealthCheckOptions.StoreCheckName].Data["store"].Should().Be(nameof(SqliteConversationStore));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _database.Dispose();
    }
}
