using Microsoft.Data.Sqlite;

namespace Conversations.Sqlite.Tests;

/// <summary>Upgrading a database made before assets existed.</summary>
public sealed class SqliteAssetMigrationTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    [Fact]
    public async Task Upgrade_KeepsLegacyAttachmentDescriptions_WithoutTheirUncheckedReferences()
    {
        string messageId;
        await using (var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString }))
        {
            await store.CreateRoomAsync(new Room { Id = "r1", Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = s_now }, [new Participant { RoomId = "r1", AccountId = "alice", Kind = AccountKind.User, Role = ParticipantRole.Owner, JoinedAt = s_now }], Timeout);
            await store.CreateConversationAsync(new Conversation { Id = "c1", RoomId = "r1", CreatedBy = "alice", CreatedAt = s_now }, Timeout);
            var appended = await store.AppendMessageAsync(new Message { Id = "m1", RoomId = "r1", ConversationId = "c1", Sequence = 0, LastSequence = 0, SenderId = "alice", SenderKind = AccountKind.User, Text = "old", CreatedAt = s_now }, Timeout);
            messageId = appended.Message.Id;
        }

        // Turn the file back into a version-1 database whose message carries an attachment of the old shape.
        using (var connection = new SqliteConnection(_database.ConnectionString + ";Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                DROP TABLE assets; DROP TABLE asset_folders; PRAGMA user_version = 1;
                UPDATE messages SET attachments = '[{"name":"old.pdf","mediaType":"application/pdf","size":12,"reference":"javascript:alert(9)"}]';
                """;
            command.ExecuteNonQuery();
        }

        await using (var upgraded = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString }))
        {
            await upgraded.InitializeAsync(Timeout);
            var message = await upgraded.GetMessageAsync("c1", messageId, Timeout);
            var attachment = message!.Attachments.Should().ContainSingle().Subject;
            (attachment.AssetId, attachment.Name, attachment.MediaType, attachment.Size).Should().Be((string.Empty, "old.pdf", "application/pdf", 12L));
            upgraded.SupportsAssets.Should().BeTrue();
            (await upgraded.GetAssetAsync("anything", Timeout)).Should().BeNull();
        }
    }

    public void Dispose() => _database.Dispose();
}
