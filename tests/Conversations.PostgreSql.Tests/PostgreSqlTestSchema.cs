using Conversations.PostgreSql;
using Npgsql;

namespace Conversations.PostgreSql.Tests;

/// <summary>A schema of its own on the test server (<see cref="TestServers.PostgresVariable"/>), dropped at dispose.</summary>
internal sealed class PostgreSqlTestSchema : IAsyncDisposable
{
    public PostgreSqlTestSchema()
    {
        Name = "t_" + Guid.NewGuid().ToString("N")[..20];
        ConnectionString = new NpgsqlConnectionStringBuilder(TestServers.Postgres) { ApplicationName = Name, MaxPoolSize = 20 }.ConnectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public PostgreSqlStoreOptions Options(Action<PostgreSqlStoreOptions>? configure = null)
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = ConnectionString, Schema = Name };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>A started store on this schema, with its own data source (its own connection pool).</summary>
    public async Task<PostgreSqlConversationStore> OpenStoreAsync(Action<PostgreSqlStoreOptions>? configure = null, TimeProvider? time = null)
    {
        var store = new PostgreSqlConversationStore(Options(configure), timeProvider: time);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(TestServers.Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{s}", Name, StringComparison.Ordinal), connection);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Ends every server connection this schema's stores opened, as a server restart or a network cut would.</summary>
    public Task<object?> TerminateConnectionsAsync() =>
        ScalarAsync($"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{Name}'");

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await ScalarAsync("DROP SCHEMA IF EXISTS {s} CASCADE");
    }
}
