using System.Security.Cryptography;
using Conversations.Storage;
using Conversations.Testing;
using Conversations.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations.Sqlite.Tests;

public sealed class SqliteConversationStoreTests : IDisposable
{
    private readonly TempDatabase _database = new();

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token;

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Invariants_1_3_TwoEnginesOnOneFile_GaplessSequencesAndOneRoomPerSet()
    {
        await using var first = await ConversationsTestHost.StartAsync(b => b.UseSqlite(_database.ConnectionString));
        await using var second = await ConversationsTestHost.StartAsync(b => b.UseSqlite(_database.ConnectionString));
        var alice = Account.User("alice");
        var room = await first.Rooms.GetOrCreateDirectRoomAsync(alice, [ParticipantSpec.User("alice"), ParticipantSpec.User("bob")]);
        var conversation = await first.Conversations.CreateAsync(alice, room.Id);

        const int postersPerEngine = 8, postsPerPoster = 25, sets = 20;
        var posts = new[] { first, second }
            .SelectMany(host => Enumerable.Range(0, postersPerEngine).Select(p => Task.Run(async () =>
            {
                var sequences = new List<long>();
                for (var i = 0; i < postsPerPoster; i++)
                {
                    sequences.Add((await host.Messages.PostTextAsync(alice, conversation.Id, $"{p}:{i}")).Sequence);
                }

                return sequences;
            })))
            .ToArray();
        var direct = Enumerable.Range(0, sets)
            .SelectMany(i => new[] { first, second }.Select(host => Task.Run(() =>
                host.Rooms.GetOrCreateDirectRoomAsync(alice, [ParticipantSpec.User("alice"), ParticipantSpec.User($"user-{i}")]))))
            .ToArray();
        var sequences = (await Task.WhenAll(posts)).SelectMany(s => s).ToArray();
        var rooms = await Task.WhenAll(direct);

        const int total = 2 * postersPerEngine * postsPerPoster;
        sequences.Order().Should().Equal(Enumerable.Range(1, total).Select(i => (long)i));
        var log = await second.Store.ReadLogAsync(conversation.Id, 0, int.MaxValue, Timeout);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, total).Select(i => (long)i));
        for (var i = 0; i < sets; i++)
        {
            rooms[2 * i].Id.Should().Be(rooms[(2 * i) + 1].Id, "invariant 3: one direct room per participant set, across engines");
        }

        rooms.Select(r => r.Id).Distinct().Should().HaveCount(sets);
        (await first.Store.GetRoomsForAccountAsync("alice", Timeout)).Should().HaveCount(sets + 1);
    }

    [Fact]
    public async Task GroupCommit_AFailingWriteInABatch_DoesNotFailTheOthers()
    {
        await using var store = await OpenAsync();
        var conversation = await StoreSeed.SeedAsync(store, Timeout);

        var writes = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var target = i % 4 == 0 ? "missing" : conversation.Id;
            try
            {
                await store.AppendMessageAsync(StoreSeed.Message(target, $"m{i}"), AppendOptions.None, Timeout);
                return target == conversation.Id;
            }
            catch (NotFoundException)
            {
                return target == "missing";
            }
        })).ToArray();

        (await Task.WhenAll(writes)).Should().OnlyContain(ok => ok);
        var log = await store.ReadLogAsync(conversation.Id, 0, 1000, Timeout);
        log.Select(e => e.Sequence).Should().Equal(Enumerable.Range(1, 150).Select(i => (long)i));
    }

    [Fact]
    public async Task Initialize_NewFile_RecordsSchemaVersionWalAndIsIdempotent()
    {
        await using (var store = await OpenAsync())
        {
            await store.InitializeAsync(Timeout);
        }

        await using (var again = await OpenAsync())
        {
            await StoreSeed.SeedAsync(again, Timeout);
        }

        using var connection = RawConnection();
        Scalar(connection, "PRAGMA user_version").Should().Be((long)Internal.SqliteSchema.CurrentVersion);
        Scalar(connection, "PRAGMA application_id").Should().Be(0x436F6E76L);
        Scalar(connection, "PRAGMA journal_mode").Should().Be("wal");
    }

    [Fact]
    public async Task Migration_FromVersion1_KeepsHistory_AndAddsTriggersAndStreamLeases()
    {
        using (var connection = RawConnection())
        {
            Execute(connection, Internal.SqliteSchema.Migration(0));
            Execute(connection, $"PRAGMA application_id = {Internal.SqliteSchema.ApplicationId}; PRAGMA user_version = 1;");
            Execute(connection, "INSERT INTO rooms (id, kind, created_by, created_at) VALUES ('r1', 0, 'alice', 0)");
            Execute(connection, "INSERT INTO participants (room_id, account_id, kind, role, auto_respond, joined_at) VALUES ('r1', 'alice', 0, 3, 0, 0), ('r1', 'bot', 1, 1, 1, 0)");
            Execute(connection, "INSERT INTO conversations (id, room_id, created_by, created_at, last_sequence) VALUES ('c', 'r1', 'alice', 0, 1)");
            Execute(connection, "INSERT INTO messages (conversation_id, sequence, id, room_id, last_sequence, sender_id, sender_kind, text, format, status, created_at) VALUES ('c', 1, 'm1', 'r1', 1, 'alice', 0, 'old', 0, 0, 0)");
            Execute(connection, "INSERT INTO log (conversation_id, sequence, kind, message_pk, at) VALUES ('c', 1, 0, 1, 0)");
        }

        await using var store = await OpenAsync();
        var old = await store.GetMessageAsync("c", "m1", Timeout);
        (old!.Text, old.ChainDepth).Should().Be(("old", 0));
        var posted = await store.AppendMessageAsync(StoreSeed.Message("c", "new"), new AppendOptions { CreateTriggers = true }, Timeout);
        posted.Message.Sequence.Should().Be(2);
        posted.TriggersCreated.Should().Be(1, "the agent that auto-responds gets a trigger");
        using var raw = RawConnection();
        Scalar(raw, "PRAGMA user_version").Should().Be((long)Internal.SqliteSchema.CurrentVersion);
    }

    [Theory]
    [InlineData("SELECT * FROM messages m WHERE m.conversation_id = 'c' AND m.sequence < 10 ORDER BY m.sequence DESC LIMIT 50")]
    [InlineData("SELECT * FROM messages m WHERE m.conversation_id = 'c' AND m.sequence > 10 ORDER BY m.sequence LIMIT 50")]
    [InlineData("SELECT * FROM messages m WHERE m.conversation_id = 'c' ORDER BY m.sequence DESC LIMIT 50")]
    [InlineData("SELECT r.* FROM participants p JOIN rooms r ON r.id = p.room_id WHERE p.account_id = 'a' ORDER BY p.room_id")]
    [InlineData("SELECT * FROM log l JOIN messages m ON m.pk = l.message_pk WHERE l.conversation_id = 'c' AND l.sequence > 5 ORDER BY l.sequence LIMIT 50")]
    [InlineData("SELECT p.account_id FROM participants p WHERE p.room_id = 'r' AND p.auto_respond = 1 AND p.kind = 1 AND p.account_id <> 'a'")]
    [InlineData("SELECT 1 FROM triggers p WHERE p.conversation_id = 'c' AND p.agent_id = 'a' AND p.status = 0 AND p.sequence < 9")]
    public async Task Queries_HistoryPagesAndRoomsOfAnAccount_AreIndexSeeks(string query)
    {
        await using (var store = await OpenAsync())
        {
            await store.InitializeAsync(Timeout);
        }

        using var connection = RawConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + query;
        var plan = new List<string>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                plan.Add(reader.GetString(3));
            }
        }

        plan.Should().NotContain(step => step.StartsWith("SCAN", StringComparison.Ordinal), string.Join("; ", plan));
        plan.Should().NotContain(step => step.Contains("TEMP B-TREE", StringComparison.Ordinal), string.Join("; ", plan));
    }

    [Fact]
    public async Task Initialize_ForeignSqliteDatabase_FailsClearlyAndChangesNothing()
    {
        using (var connection = RawConnection())
        {
            Execute(connection, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me');");
        }

        var before = Hash();
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });

        var error = await Assert.ThrowsAsync<UnavailableException>(() => store.InitializeAsync(Timeout).AsTask());

        error.Message.Should().Contain("not a Conversations database");
        error.Code.Should().Be(ConversationsErrorCode.Unavailable);
        store.Dispose();
        Hash().Should().Be(before);
        File.Exists(_database.Path + "-wal").Should().BeFalse();
    }

    [Fact]
    public async Task Initialize_FileThatIsNotADatabase_FailsClearlyAndChangesNothing()
    {
        var garbage = new byte[8192];
        new Random(7).NextBytes(garbage);
        await File.WriteAllBytesAsync(_database.Path, garbage, Timeout);
        await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });

        var error = await Assert.ThrowsAsync<UnavailableException>(() => store.InitializeAsync(Timeout).AsTask());
        var read = await Assert.ThrowsAsync<UnavailableException>(() => store.GetRoomAsync("r", Timeout).AsTask());

        error.Message.Should().Contain("not a SQLite database");
        read.Message.Should().Contain("not a SQLite database");
        (await File.ReadAllBytesAsync(_database.Path, Timeout)).Should().Equal(garbage);
    }

    [Fact]
    public async Task Initialize_DatabaseFromANewerVersion_FailsClearlyAndChangesNothing()
    {
        await using (var store = await OpenAsync())
        {
            await StoreSeed.SeedAsync(store, Timeout);
        }

        using (var connection = RawConnection())
        {
            Execute(connection, "PRAGMA user_version = 99");
        }

        var before = Hash();
        await using var newer = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });

        var error = await Assert.ThrowsAsync<UnavailableException>(() => newer.InitializeAsync(Timeout).AsTask());

        error.Message.Should().Contain("newer version");
        newer.Dispose();
        Hash().Should().Be(before);
    }

    [Fact]
    public async Task Initialize_ReadOnlyDatabase_FailsClearlyAndChangesNothing()
    {
        await using (var store = await OpenAsync())
        {
            await StoreSeed.SeedAsync(store, Timeout);
        }

        var before = Hash();
        await using var readOnly = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString + ";Mode=ReadOnly" });

        var error = await Assert.ThrowsAsync<UnavailableException>(() => readOnly.InitializeAsync(Timeout).AsTask());
        var write = await Assert.ThrowsAsync<UnavailableException>(() => readOnly.AppendMessageAsync(StoreSeed.Message("c1", "x"), AppendOptions.None, Timeout).AsTask());

        error.Message.Should().Contain("read-only");
        write.Message.Should().Contain("read-only");
        readOnly.Dispose();
        Hash().Should().Be(before);
    }

    [Fact]
    public async Task Initialize_ReadOnlyFile_FailsClearly()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            // File permissions do not bind the superuser; Mode=ReadOnly above covers the same path.
            return;
        }

        await using (var store = await OpenAsync())
        {
            await StoreSeed.SeedAsync(store, Timeout);
        }

        File.SetUnixFileMode(_database.Path, UnixFileMode.UserRead);
        await using var readOnly = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = _database.ConnectionString });

        await Assert.ThrowsAsync<UnavailableException>(() => readOnly.InitializeAsync(Timeout).AsTask());
    }

    [Fact]
    public async Task Append_DatabaseLockedBeyondTheBusyTimeout_FailsAsUnavailableAndChangesNothing()
    {
        await using var store = await OpenAsync(o => o.BusyTimeout = TimeSpan.FromMilliseconds(100));
        var conversation = await StoreSeed.SeedAsync(store, Timeout);
        await store.AppendMessageAsync(StoreSeed.Message(conversation.Id, "before"), AppendOptions.None, Timeout);

        using (var locker = RawConnection())
        {
            Execute(locker, "BEGIN IMMEDIATE");

            var error = await Assert.ThrowsAsync<UnavailableException>(() => store.AppendMessageAsync(StoreSeed.Message(conversation.Id, "blocked"), AppendOptions.None, Timeout).AsTask());

            error.Message.Should().Contain("locked");
            Execute(locker, "ROLLBACK");
        }

        (await store.GetConversationAsync(conversation.Id, Timeout))!.LastSequence.Should().Be(1);
        (await store.GetMessageAsync(conversation.Id, "blocked", Timeout)).Should().BeNull();
        var after = await store.AppendMessageAsync(StoreSeed.Message(conversation.Id, "after"), AppendOptions.None, Timeout);
        after.Message.Sequence.Should().Be(2);
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var store = await OpenAsync();
        await store.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.GetRoomAsync("r", Timeout).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => store.AppendMessageAsync(StoreSeed.Message("c", "m"), AppendOptions.None, Timeout).AsTask());
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsOptionsValidationException()
    {
        FluentActions.Invoking(() => new SqliteConversationStore(new SqliteStoreOptions())).Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("ConnectionString");
        FluentActions.Invoking(() => new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = "x", BusyTimeout = TimeSpan.Zero })).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = "x", MaxBatchSize = 0 })).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = "Data Source=x;Bogus Key=1" })).Should().Throw<OptionsValidationException>();
    }

    [Fact]
    public void Options_CacheAndCheckpointOutOfRange_AreRefused()
    {
        FluentActions.Invoking(() => new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = "x", WriterCacheMegabytes = 0 })).Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("WriterCacheMegabytes");
        FluentActions.Invoking(() => new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = "x", WalAutoCheckpointPages = 99 })).Should().Throw<OptionsValidationException>()
            .Which.Message.Should().Contain("WalAutoCheckpointPages");
    }

    [Fact]
    public async Task WalAutoCheckpointPages_DecidesWhenTheLogIsCopiedIntoTheDatabaseFile()
    {
        using var often = new TempDatabase();
        using var rarely = new TempDatabase();
        var sizes = new Dictionary<TempDatabase, (long Database, long Log)>();
        foreach (var (database, pages) in new[] { (often, 100), (rarely, 100_000) })
        {
            await using var store = new SqliteConversationStore(new SqliteStoreOptions { ConnectionString = database.ConnectionString, WalAutoCheckpointPages = pages });
            await store.InitializeAsync(Timeout);
            var conversation = await StoreSeed.SeedAsync(store, Timeout);
            for (var i = 0; i < 200; i++)
            {
                var message = StoreSeed.Message(conversation.Id, $"m{i}");
                await store.AppendMessageAsync(new Message { Id = message.Id, RoomId = message.RoomId, ConversationId = message.ConversationId, Sequence = 0, LastSequence = 0, SenderId = message.SenderId, SenderKind = message.SenderKind, Text = new string('x', 4096), CreatedAt = message.CreatedAt }, AppendOptions.None, Timeout);
            }

            // Measured while the store is open: closing it checkpoints whatever the log still holds.
            sizes[database] = (new FileInfo(database.Path).Length, new FileInfo(database.Path + "-wal").Length);
        }

        // 200 messages of 4 KiB are over 200 pages: checkpoints every 100 pages moved them into the file; at 100,000 none ran.
        sizes[often].Database.Should().BeGreaterThan(800 * 1024);
        sizes[rarely].Database.Should().BeLessThan(400 * 1024);
        sizes[rarely].Log.Should().BeGreaterThan(800 * 1024);
    }

    [Fact]
    public void UseSqlite_AnyCallOrder_RegistersOneStoreTheLastCallerChose()
    {
        var sqliteLast = new ServiceCollection();
        sqliteLast.AddConversations().UseInMemoryStore().UseSqlite(_database.ConnectionString).UseSqlite(_database.ConnectionString);
        var inMemoryLast = new ServiceCollection();
        inMemoryLast.AddConversations().UseSqlite(_database.ConnectionString).UseInMemoryStore();

        sqliteLast.Count(d => d.ServiceType == typeof(ConversationStore)).Should().Be(1);
        using (var provider = sqliteLast.BuildServiceProvider())
        {
            provider.GetRequiredService<ConversationStore>().Should().BeOfType<SqliteConversationStore>()
                .Which.DataSource.Should().Be(_database.Path);
        }

        using (var provider = inMemoryLast.BuildServiceProvider())
        {
            provider.GetRequiredService<ConversationStore>().Should().BeOfType<InMemoryConversationStore>();
        }
    }

    [Fact]
    public void UseSqlite_OptionsOverloads_ConfigureAndValidate()
    {
        var services = new ServiceCollection();
        services.AddConversations().UseSqlite(_database.ConnectionString, o => o.MaxBatchSize = 7);
        using (var provider = services.BuildServiceProvider())
        {
            provider.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.MaxBatchSize.Should().Be(7);
        }

        var missing = new ServiceCollection();
        missing.AddConversations().UseSqlite(o => o.MaxBatchSize = 7);
        using var invalid = missing.BuildServiceProvider();
        FluentActions.Invoking(() => invalid.GetRequiredService<ConversationStore>()).Should().Throw<OptionsValidationException>();
        FluentActions.Invoking(() => new ServiceCollection().AddConversations().UseSqlite(" ")).Should().Throw<ArgumentException>();
    }

    private async Task<SqliteConversationStore> OpenAsync(Action<SqliteStoreOptions>? configure = null)
    {
        var options = new SqliteStoreOptions { ConnectionString = _database.ConnectionString };
        configure?.Invoke(options);
        var store = new SqliteConversationStore(options);
        await store.InitializeAsync(Timeout);
        return store;
    }

    private SqliteConnection RawConnection()
    {
        var connection = new SqliteConnection(_database.ConnectionString + ";Pooling=False");
        connection.Open();
        return connection;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private string Hash() => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(_database.Path)));
}
