using Conversations.Storage;

namespace Conversations.Sqlite.Tests;

/// <summary>Telemetry tests listen to the process-wide "Conversations" meter, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>The writer reports each transaction it commits: how many writes it carried and how long it took.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class StoreTelemetryTests : IDisposable
{
    private static readonly DateTimeOffset s_now = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly TempDatabase _database = new();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Writes_QueuedWhileTheFileIsLocked_AreMeasuredInAtMostTwoBatches_RefusedOneLeftOut()
    {
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });
        await store.InitializeAsync(Timeout);
        await store.CreateRoomAsync(new Room { Id = "r1", Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = s_now }, [new Participant { RoomId = "r1", AccountId = "alice", Kind = AccountKind.User, Role = ParticipantRole.Owner, JoinedAt = s_now }], Timeout);
        await store.CreateConversationAsync(new Conversation { Id = "c1", RoomId = "r1", CreatedBy = "alice", CreatedAt = s_now }, Timeout);
        using var listener = new StoreBatchListener("sqlite");

        // Another connection holds the write lock while 21 appends queue (each queues before its call returns): the writer
        // can take the first ones but commit nothing until the lock goes, and then takes the rest in one batch.
        Task<AppendResult>[] appends;
        using (var locker = new Microsoft.Data.Sqlite.SqliteConnection(_database.ConnectionString + ";Pooling=False"))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE";
            begin.ExecuteNonQuery();
            appends = [.. Enumerable.Range(1, 21).Select(i => store.AppendMessageAsync(Message($"m{i}", i == 11 ? "missing" : "c1"), AppendOptions.None, Timeout).AsTask())];
            using var rollback = locker.CreateCommand();
            rollback.CommandText = "ROLLBACK";
            rollback.ExecuteNonQuery();
        }

        // The append to a conversation that does not exist is refused inside the batch and not counted.
        await FluentActions.Awaiting(() => appends[10]).Should().ThrowAsync<NotFoundException>();
        var appended = await Task.WhenAll(appends.Where((_, i) => i != 10));

        appended.Select(a => a.Message.Sequence).Should().Equal(Enumerable.Range(1, 20).Select(i => (long)i));
        listener.ShouldHaveMeasuredHeldWrites(20);
    }

    private static Message Message(string id, string conversationId) => new()
    {
        Id = id,
        RoomId = "r1",
        ConversationId = conversationId,
        Sequence = 0,
        LastSequence = 0,
        SenderId = "alice",
        SenderKind = AccountKind.User,
        Text = id,
        CreatedAt = s_now,
    };
}
