using Conversations.Storage;
using Conversations.Testing;

namespace Conversations.Sqlite.Tests;

/// <summary>The shared store conformance suite, unchanged, on a fresh SQLite file per test; races use a second store on the same file.</summary>
public sealed class SqliteConformanceTests : ConversationStoreConformanceTests, IDisposable
{
    private readonly TempDatabase _database = new();
    private SqliteConversationStore? _second;

    protected override void ConfigureStore(IConversationsBuilder builder) => builder.UseSqlite(_database.ConnectionString);

    protected override async ValueTask<ConversationStore> OpenSecondStoreAsync()
    {
        // Its own connections and writer thread, as another process on the same file would have.
        _second ??= new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });
        await _second.InitializeAsync(CancellationToken.None);
        return _second;
    }

    public override async Task DisposeAsync()
    {
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        await base.DisposeAsync();
        _database.Dispose();
    }

    public void Dispose() => _database.Dispose();
}
