using Conversations.Testing;

namespace Conversations.Sqlite.Tests;

/// <summary>The shared store conformance suite, unchanged, on a fresh SQLite file per test.</summary>
public sealed class SqliteConformanceTests : ConversationStoreConformanceTests, IDisposable
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
