using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Conversations.PostgreSql.Tests;

/// <summary>What the conformance suite cannot see: migrations, typed server errors, retries, and two hosts on one database.</summary>
public sealed class PostgreSqlStoreTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Migrations_HostsStartingTogether_MigrateOnce()
    {
        await using var schema = new PostgreSqlTestSchema();
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => schema.OpenStoreAsync())));
        try
        {
            (await schema.ScalarAsync("SELECT count(*) FROM {s}.schema_version")).Should().Be((long)Internal.PostgreSqlSchema.CurrentVersion);
            var conversation = await SeedConversationAsync(stores[0]);
            (await stores[3].GetConversationAsync(conversation.Id, CancellationToken.None)).Should().NotBeNull();
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    /// <summary>A schema written before assets existed (version 1) is upgraded in place: its messages stay, assets work.</summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Migrations_VersionOneSchema_GainsAssets_AndKeepsItsData()
    {
        await using var schema = new PostgreSqlTestSchema();
        Conversation conversation;
        await using (var first = await schema.OpenStoreAsync())
        {
            conversation = await SeedConversationAsync(first);
            await first.AppendMessageAsync(Draft(conversation.Id, "alice", "before assets"), AppendOptions.None, CancellationToken.None);
        }

        // Back to exactly what version 1 wrote: migration 1 is never edited, so only the later tables go.
        await schema.ScalarAsync("DROP TABLE {s}.assets, {s}.asset_folders; DELETE FROM {s}.schema_version WHERE version > 1");

        await using var upgraded = await schema.OpenStoreAsync();
        (await schema.ScalarAsync("SELECT max(version) FROM {s}.schema_version")).Should().Be(Internal.PostgreSqlSchema.CurrentVersion);
        (await upgraded.GetMessagesAsync(conversation.Id, HistoryQuery.Latest(10), CancellationToken.None)).Should().ContainSingle().Which.Text.Should().Be("before assets");
        upgraded.SupportsAssets.Should().BeTrue();
        var asset = new Asset
        {
            Id = "a1", Scope = AssetScope.Account("alice"), Name = "x.png", MediaType = "image/png", Size = 3, UploadedBy = "alice",
            Status = AssetStatus.Pending, CreatedAt = At, ExpiresAt = At.AddHours(1),
        };
        (await upgraded.ReserveAssetAsync(asset, 10, CancellationToken.None)).Should().BeTrue();
        (await upgraded.GetAssetAsync("a1", CancellationToken.None))!.Name.Should().Be("x.png");
    }

    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Migrations_ForeignOrNewerSchema_IsRefusedAndLeftUnchanged()
    {
        await using var foreign = new PostgreSqlTestSchema();
        await foreign.ScalarAsync("CREATE SCHEMA {s}; CREATE TABLE {s}.orders (id int)");
        var refused = async () => await foreign.OpenStoreAsync();
        (await refused.Should().ThrowAsync<UnavailableException>()).WithMessage("*not a Conversations schema*");
        (await foreign.ScalarAsync("SELECT count(*) FROM pg_tables WHERE schemaname = '{s}'")).Should().Be(1L);

        await using var newer = new PostgreSqlTestSchema();
        (await newer.OpenStoreAsync()).Dispose();
        await newer.ScalarAsync("INSERT INTO {s}.schema_version (version) VALUES (99)");
        var tooNew = async () => await newer.OpenStoreAsync();
        (await tooNew.Should().ThrowAsync<UnavailableException>()).WithMessage("*newer version*");

        await using var empty = new PostgreSqlTestSchema();
        var unmigrated = async () => await empty.OpenStoreAsync(o => o.ApplyMigrations = false);
        (await unmigrated.Should().ThrowAsync<UnavailableException>()).WithMessage("*ApplyMigrations*");
    }

    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Errors_UnreachableServer_RefusedLogin_ReadOnly_AreUnavailable()
    {
        var unreachable = new PostgreSqlStoreOptions { ConnectionString = "Host=127.0.0.1;Port=1;Username=x;Timeout=2", MaxRetries = 0 };
        await using (var store = new PostgreSqlConversationStore(unreachable))
        {
            var act = async () => await store.InitializeAsync(CancellationToken.None);
            (await act.Should().ThrowAsync<UnavailableException>()).WithMessage("*unreachable*");
        }

        await using var schema = new PostgreSqlTestSchema();
        var role = schema.Name + "_nologin";
        await schema.ScalarAsync($"CREATE ROLE {role} NOLOGIN");
        try
        {
            var refused = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { Username = role }.ConnectionString;
            await using var store = new PostgreSqlConversationStore(new PostgreSqlStoreOptions { ConnectionString = refused, Schema = schema.Name });
            var act = async () => await store.InitializeAsync(CancellationToken.None);
            (await act.Should().ThrowAsync<UnavailableException>()).WithMessage("*refused the credentials*");
        }
        finally
        {
            await schema.ScalarAsync($"DROP ROLE {role}");
        }

        await using (var writable = await schema.OpenStoreAsync())
        {
            await SeedConversationAsync(writable);
        }

        var readOnly = new NpgsqlConnectionStringBuilder(schema.ConnectionString) { Options = "-c default_transaction_read_only=on" }.ConnectionString;
        await using var replica = new PostgreSqlConversationStore(new PostgreSqlStoreOptions { ConnectionString = readOnly, Schema = schema.Name });
        await replica.InitializeAsync(CancellationToken.None);
        var write = async () => await replica.CreateRoomAsync(Room("r2"), [], CancellationToken.None);
        (await write.Should().ThrowAsync<UnavailableException>()).WithMessage("*read-only*");
        (await replica.GetRoomAsync("r2", CancellationToken.None)).Should().BeNull("a refused write changes nothing");
    }

    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Options_BadSchemaName_FailsStartup()
    {
        var services = new ServiceCollection();
        services.AddConversations().UsePostgreSql(TestServers.Postgres, o => o.Schema = "Robert'); DROP TABLE students;--");
        await using var provider = services.BuildServiceProvider();
        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();
        act.Should().Throw<OptionsValidationException>().WithMessage("*Schema*");
    }

    /// <summary>
    /// Invariant 2 and the measured trap: repeated client message ids, interleaved with new posts from many tasks, return
    /// the original and never burn a sequence number — the log stays 1, 2, 3 … with no gap.
    /// </summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Invariant2_RepeatedClientIds_BurnNoSequence()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var store = await schema.OpenStoreAsync();
        var conversation = await SeedConversationAsync(store);
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            await store.AppendMessageAsync(Draft(conversation.Id, "alice", $"m{i % 50}", clientMessageId: $"k{i % 50}"), AppendOptions.None, CancellationToken.None))));

        results.Count(r => r.Created).Should().Be(50);
        results.GroupBy(r => r.Message.ClientMessageId).Should().AllSatisfy(g => g.Select(r => r.Message.Sequence).Distinct().Should().ContainSingle());
        var log = await store.ReadLogAsync(conversation.Id, 0, 1000, CancellationToken.None);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 50).Select(i => (long)i));
        (await store.GetConversationAsync(conversation.Id, CancellationToken.None))!.LastSequence.Should().Be(50);
    }

    /// <summary>
    /// Invariant 2 across hosts: two store instances post the same client ids at once. A repeat committed by the other
    /// instance after a batch's snapshot was taken trips the unique index; the batch is tried again and returns the
    /// original, so each id is stored once and the log stays gapless.
    /// </summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task TwoInstances_ConcurrentRepeats_StoreOne_AndBurnNoSequence()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var a = await schema.OpenStoreAsync();
        await using var b = await schema.OpenStoreAsync();
        var conversation = await SeedConversationAsync(a);
        var results = await Task.WhenAll(Enumerable.Range(0, 240).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? a : b).AppendMessageAsync(Draft(conversation.Id, "alice", $"m{i % 40}", clientMessageId: $"k{i % 40}"), AppendOptions.None, CancellationToken.None))));

        results.Count(r => r.Created).Should().Be(40);
        results.GroupBy(r => r.Message.ClientMessageId).Should().HaveCount(40)
            .And.AllSatisfy(g => g.Select(r => r.Message.Id).Distinct().Should().ContainSingle());
        var log = await b.ReadLogAsync(conversation.Id, 0, 1000, CancellationToken.None);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 40).Select(i => (long)i));
        log.Select(e => e.Message.ClientMessageId).Should().OnlyHaveUniqueItems();
    }

    /// <summary>
    /// Call order is sequence order: appends made one after another without waiting (a client pipelining its posts) are
    /// numbered in the order of the calls, across batches, while another conversation's appends share the writers.
    /// </summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task PipelinedAppends_AreNumberedInCallOrder()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var store = await schema.OpenStoreAsync(o => o.MaxBatchSize = 8);
        var conversation = await SeedConversationAsync(store);
        var other = await SeedConversationAsync(store);
        var noise = Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
            await store.AppendMessageAsync(Draft(other.Id, "alice", $"n{i}"), AppendOptions.None, CancellationToken.None))));
        var calls = Enumerable.Range(0, 200)
            .Select(i => store.AppendMessageAsync(Draft(conversation.Id, "alice", $"p{i}"), AppendOptions.None, CancellationToken.None).AsTask())
            .ToArray();

        var results = await Task.WhenAll(calls);
        await noise;
        results.Select(r => r.Message.Text).Should().Equal(Enumerable.Range(0, 200).Select(i => $"p{i}"));
        results.Select(r => r.Message.Sequence).Should().Equal(Enumerable.Range(1, 200).Select(i => (long)i));
    }

    /// <summary>Invariant 9: a text PostgreSQL cannot store is refused alone; the appends batched with it are stored, gapless.</summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task Invariant9_UnstorableText_IsRefusedAlone_InsideABatch()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var store = await schema.OpenStoreAsync(o => o.MaxConcurrentBatches = 1);
        var conversation = await SeedConversationAsync(store);
        var appends = Enumerable.Range(0, 40).Select(i => Task.Run(async () =>
            await store.AppendMessageAsync(Draft(conversation.Id, "alice", i == 20 ? "nul \0 inside" : $"m{i}"), AppendOptions.None, CancellationToken.None))).ToArray();
        var settled = await Task.WhenAll(appends.Select(async t => { try { return (await t, (Exception?)null); } catch (Exception e) { return (default(AppendResult), e); } }));

        settled.Where(s => s.Item2 is not null).Should().ContainSingle().Which.Item2.Should().BeOfType<InvalidArgumentException>();
        var log = await store.ReadLogAsync(conversation.Id, 0, 1000, CancellationToken.None);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 39).Select(i => (long)i));
        log.Should().NotContain(e => e.Message.Text.Contains('\0', StringComparison.Ordinal));
    }

    /// <summary>Invariants 1 and 3 across hosts: two store instances (two data sources) race on one conversation and one direct key.</summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task TwoInstances_RaceOnSequencesAndDirectRooms_KeepEveryInvariant()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var a = await schema.OpenStoreAsync();
        await using var b = await schema.OpenStoreAsync();
        var conversation = await SeedConversationAsync(a);

        var appends = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
            (await (i % 2 == 0 ? a : b).AppendMessageAsync(Draft(conversation.Id, $"s{i % 7}", $"m{i}"), AppendOptions.None, CancellationToken.None)).Message.Sequence)));
        appends.Order().Should().Equal(Enumerable.Range(1, 300).Select(i => (long)i));
        var log = await b.ReadLogAsync(conversation.Id, 0, 1000, CancellationToken.None);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 300).Select(i => (long)i));

        var rooms = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var room = new Room { Id = $"direct-{i}", Kind = RoomKind.Direct, CreatedBy = "x", CreatedAt = At };
            Participant[] members = [Member(room.Id, "x"), Member(room.Id, "y")];
            return await (i % 2 == 0 ? a : b).GetOrCreateDirectRoomAsync("x\ny", room, members, CancellationToken.None);
        })));
        rooms.Should().ContainSingle(r => r.Created);
        rooms.Select(r => r.Room.Id).Distinct().Should().ContainSingle();
        (await a.GetRoomsForAccountAsync("y", CancellationToken.None)).Should().ContainSingle();
    }

    /// <summary>Connections cut by the server (a restart, a failover) are replaced: the next reads and writes succeed.</summary>
    [RequiresServerFact(TestServers.PostgresVariable)]
    public async Task BrokenConnections_AreReplaced_AndWritesGoOn()
    {
        await using var schema = new PostgreSqlTestSchema();
        await using var store = await schema.OpenStoreAsync();
        var conversation = await SeedConversationAsync(store);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.AppendMessageAsync(Draft(conversation.Id, "alice", $"warm {i}"), AppendOptions.None, CancellationToken.None).AsTask()));

        ((long)(await schema.TerminateConnectionsAsync())!).Should().BeGreaterThan(0);
        (await store.GetConversationAsync(conversation.Id, CancellationToken.None))!.LastSequence.Should().Be(8);
        await schema.TerminateConnectionsAsync();
        var after = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.AppendMessageAsync(Draft(conversation.Id, "alice", $"after {i}"), AppendOptions.None, CancellationToken.None).AsTask()));
        after.Select(r => r.Message.Sequence).Order().Should().Equal(Enumerable.Range(9, 8).Select(i => (long)i));
    }

    private static Room Room(string id) => new() { Id = id, Kind = RoomKind.Standard, Name = "r", CreatedBy = "alice", CreatedAt = At };

    private static Participant Member(string roomId, string accountId) =>
        new() { RoomId = roomId, AccountId = accountId, Kind = AccountKind.User, Role = ParticipantRole.Member, JoinedAt = At };

    private static async Task<Conversation> SeedConversationAsync(ConversationStore store)
    {
        var room = Room(Guid.NewGuid().ToString("N"));
        await store.CreateRoomAsync(room, [Member(room.Id, "alice")], CancellationToken.None);
        var conversation = new Conversation { Id = Guid.NewGuid().ToString("N"), RoomId = room.Id, CreatedBy = "alice", CreatedAt = At };
        await store.CreateConversationAsync(conversation, CancellationToken.None);
        return conversation;
    }

    private static Message Draft(string conversationId, string sender, string text, string? clientMessageId = null) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        RoomId = "unused",
        ConversationId = conversationId,
        Sequence = 0,
        LastSequence = 0,
        SenderId = sender,
        SenderKind = AccountKind.User,
        Text = text,
        ClientMessageId = clientMessageId,
        CreatedAt = At,
    };
}
