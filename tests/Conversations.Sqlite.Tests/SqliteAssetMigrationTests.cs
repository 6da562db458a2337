using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Tests;

/// <summary>Upgrading a database made before assets existed.</summary>
public sealed class SqliteAssetMigrationTests : IDisposable
{
    private readonly TempDatabase _database = new();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task Upgrade_KeepsLegacyAttachmentDescriptions_WithoutTheirUncheckedReferences()
    {
        // A version-1 database whose message carries an attachment of the old shape: a free-form, unchecked reference.
        using (var connection = new SqliteConnection(_database.ConnectionString + ";Pooling=False"))
        {
            connection.Open();
            Execute(connection, Internal.SqliteSchema.Migration(0));
            Execute(connection, $"PRAGMA application_id = {Internal.SqliteSchema.ApplicationId}; PRAGMA user_version = 1;");
            Execute(connection, "INSERT INTO rooms (id, kind, created_by, created_at) VALUES ('r1', 0, 'alice', 0)");
            Execute(connection, "INSERT INTO conversations (id, room_id, created_by, created_at, last_sequence) VALUES ('c1', 'r1', 'alice', 0, 1)");
            Execute(connection,
                """
                INSERT INTO messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, attachments, status, created_at)
                VALUES ('c1', 1, 'm1', 'r1', 1, 'alice', 0, 'old', 0, '[{"name":"old.pdf","mediaType":"application/pdf","size":12,"reference":"javascript:alert(9)"}]', 0, 0)
                """);
        }

        await using var upgraded = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });
        await upgraded.InitializeAsync(Timeout);
        var message = await upgraded.GetMessageAsync("c1", "m1", Timeout);
        var attachment = message!.Attachments.Should().ContainSingle().Subject;
        (attachment.AssetId, attachment.Name, attachment.MediaType, attachment.Size).Should().Be((string.Empty, "old.pdf", "application/pdf", 12L));
        upgraded.SupportsAssets.Should().BeTrue();
        (await upgraded.GetAssetAsync("anything", Timeout)).Should().BeNull();
    }

    public void Dispose() => _database.Dispose();

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
