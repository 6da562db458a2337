using Conversations.Testing;

namespace Conversations.Sqlite.Tests;

/// <summary>The asset conformance suite on a fresh SQLite file per test.</summary>
public sealed class SqliteAssetConformanceTests : AssetStoreConformanceTests, IDisposable
{
    private readonly TempDatabase _database = new();

    protected override void ConfigureStore(IConversationsBuilder builder) => builder.UseSqlite(_database.ConnectionString);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Dispose();
    }

    public void Dispose() => _database.Dispose();
}
