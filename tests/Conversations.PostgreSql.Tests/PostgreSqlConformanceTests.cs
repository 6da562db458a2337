using Conversations.Storage;
using Conversations.Testing;

namespace Conversations.PostgreSql.Tests;

#if CONVERSATIONS_TEST_POSTGRES
/// <summary>
/// The shared store conformance suite, unchanged, on PostgreSQL: a fresh schema per test, and a second store instance on a
/// second data source (its own connection pool, as another host would have) for the races between instances.
/// </summary>
#pragma warning disable CA1001 // The schema is dropped in DisposeAsync (IAsyncLifetime), which xunit calls.
public sealed class PostgreSqlConformanceTests : ConversationStoreConformanceTests
#pragma warning restore CA1001
{
    private readonly PostgreSqlTestSchema _schema = new();
    private PostgreSqlConversationStore? _second;

    protected override void ConfigureStore(IConversationsBuilder builder) =>
        builder.UsePostgreSql(_schema.ConnectionString, o => o.Schema = _schema.Name);

    protected override async ValueTask<ConversationStore> OpenSecondStoreAsync() =>
        _second ??= await _schema.OpenStoreAsync(time: Host.Time);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_second is not null)
        {
            await _second.DisposeAsync();
        }

        await _schema.DisposeAsync();
    }
}
#else
/// <summary>Stands in for the store conformance suite when no PostgreSQL server was configured at build time.</summary>
public sealed class PostgreSqlConformanceTests
{
    [Fact(Skip = "Needs CONVERSATIONS_TEST_POSTGRES when the tests are built; ./test.sh provides it (or set it to a server you run).")]
    public void ConformanceSuite_NeedsAPostgreSqlServer()
    {
    }
}
#endif
