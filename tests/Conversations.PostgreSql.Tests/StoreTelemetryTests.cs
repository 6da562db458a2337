using Conversations.Storage;
using Npgsql;

namespace Conversations.PostgreSql.Tests;

/// <summary>Telemetry tests listen to the process-wide "Conversations" meter, so they run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry";
}

/// <summary>The append batcher reports each transaction it commits: how many appends it carried and how long it took.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class StoreTelemetryTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Appends_QueuedWhileTheConversationIsLocked_AreMeasuredInAtMostTwoBatches_RefusedOneLeftOut()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var store = await schema.OpenStoreAsync();
        var room = new Room { Id = "r1", Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = At };
        await store.CreateRoomAsync(room, [new Participant { RoomId = "r1", AccountId = "alice", Kind = AccountKind.User, Role = ParticipantRole.Owner, JoinedAt = At }], CancellationToken.None);
        await store.CreateConversationAsync(new Conversation { Id = "c1", RoomId = "r1", CreatedBy = "alice", CreatedAt = At }, CancellationToken.None);
        using var listener = new StoreBatchListener("postgresql");

        // Another transaction holds the conversation's row while 21 appends queue (each queues before its call returns): a
        // batch can start but not commit until the row is let go, and the appends queued behind it then go in one batch.
        Task<AppendResult>[] appends;
        await using (var locker = new NpgsqlConnection(TestServers.Postgres))
        {
            await locker.OpenAsync();
            await using var transaction = await locker.BeginTransactionAsync();
            await using var lockRow = new NpgsqlCommand($"SELECT 1 FROM {schema.Name}.conversations WHERE id = 'c1' FOR UPDATE", locker, transaction);
            await lockRow.ExecuteScalarAsync();
            appends = [.. Enumerable.Range(1, 21).Select(i => store.AppendMessageAsync(Message($"m{i}", i == 11 ? "missing" : "c1"), AppendOptions.None, CancellationToken.None).AsTask())];
            await transaction.RollbackAsync();
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
        CreatedAt = At,
    };
}
