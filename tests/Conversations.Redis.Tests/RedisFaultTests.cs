using Conversations.PostgreSql;
using Npgsql;

namespace Conversations.Redis.Tests;

/// <summary>
/// Invariant 5 across hosts when Redis fails: two engines share PostgreSQL and a Redis of the test's own; one posts, the
/// other's subscriber (through <see cref="IMessageService.SubscribeAsync"/>) must see every log event exactly once, in
/// order, whatever happens to Redis in between.
/// </summary>
public sealed class RedisFaultTests
{
    private const int Messages = 300;

    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisServerVariable)]
    public async Task Invariant5_RedisRestartedMidTraffic_SubscriberGetsEveryEventOnceInOrder() =>
        await RunAsync(static async (redis, i) =>
        {
            if (i == Messages / 3)
            {
                await redis.RestartAfterKillAsync();
            }
            else if (i == Messages - 30)
            {
                // The last posts happen while Redis is down, and nothing follows them: only the re-read after the restart
                // (or the catch-up poll) can bring them to the other host.
                await redis.KillAsync();
            }
            else if (i == Messages)
            {
                await redis.RestartAsync();
            }
        });

    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisServerVariable)]
    public async Task Invariant5_RedisConnectionsKilledMidTraffic_SubscriberGetsEveryEventOnceInOrder() =>
        await RunAsync(static async (redis, i) =>
        {
            if (i is Messages / 3 or Messages / 2 or Messages)
            {
                await redis.KillClientsAsync();
            }
        });

    /// <summary>Redis down: posts still succeed, and the subscriber on the other host gets them through the catch-up poll.</summary>
    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisServerVariable)]
    public async Task RedisDown_PostsSucceed_AndDeliveryFallsBackToCatchUp()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var schema = new Schema();
        await using var a = await ScaleEngine.StartAsync(schema.Name, redis.Configuration);
        await using var b = await ScaleEngine.StartAsync(schema.Name, redis.Configuration);
        var (alice, conversation) = await CreateConversationAsync(a);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var seen = new List<long>();
        var reading = ReadAsync(b, conversation, seen, 10, timeout.Token);

        await a.Messages.PostTextAsync(alice, conversation.Id, "before", cancellationToken: timeout.Token);
        await WaitForAsync(() => Count(seen) >= 1, timeout.Token);
        await redis.KillAsync();
        for (var i = 0; i < 9; i++)
        {
            (await a.Messages.PostTextAsync(alice, conversation.Id, $"while down {i}", cancellationToken: timeout.Token)).Sequence.Should().Be(i + 2);
        }

        (await reading).Should().Equal(Enumerable.Range(1, 10).Select(i => (long)i));
    }

    private static async Task RunAsync(Func<RedisServerProcess, int, Task> fault)
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var schema = new Schema();
        await using var a = await ScaleEngine.StartAsync(schema.Name, redis.Configuration);
        await using var b = await ScaleEngine.StartAsync(schema.Name, redis.Configuration);
        var (alice, conversation) = await CreateConversationAsync(a);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var seen = new List<long>();
        var reading = ReadAsync(b, conversation, seen, Messages, timeout.Token);
        var onA = new List<long>();
        var readingOnA = ReadAsync(a, conversation, onA, Messages, timeout.Token);

        for (var i = 0; i < Messages; i++)
        {
            await fault(redis, i);
            await a.Messages.PostTextAsync(alice, conversation.Id, $"m{i}", clientMessageId: $"m{i}", cancellationToken: timeout.Token);
        }

        await fault(redis, Messages);

        var expected = Enumerable.Range(1, Messages).Select(i => (long)i);
        (await reading).Should().Equal(expected, "the other host's subscriber sees every log event once, in order");
        (await readingOnA).Should().Equal(expected, "so does the posting host's own subscriber");
    }

    private static async Task<(Account Alice, Conversation Conversation)> CreateConversationAsync(ScaleEngine engine)
    {
        var alice = Account.User("alice");
        var room = await engine.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Name = "faults", Participants = [ParticipantSpec.User("bob")] });
        return (alice, await engine.Conversations.CreateAsync(alice, room.Id));
    }

    private static async Task<List<long>> ReadAsync(ScaleEngine engine, Conversation conversation, List<long> seen, int count, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await foreach (var e in engine.Messages.SubscribeAsync(Account.User("bob"), conversation.Id, 0, cancellationToken))
        {
            if (e is MessageLogEvent logged)
            {
                lock (seen)
                {
                    seen.Add(logged.Sequence);
                    if (seen.Count == count)
                    {
                        return [.. seen];
                    }
                }
            }
        }

        return seen;
    }

    private static int Count(List<long> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
        }
    }

    /// <summary>A PostgreSQL schema (and Redis channel prefix) of the test's own.</summary>
    internal sealed class Schema : IAsyncDisposable
    {
        public string Name { get; } = "r_" + Guid.NewGuid().ToString("N")[..20];

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestServers.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {Name} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
