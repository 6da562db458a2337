using System.Collections.Concurrent;
using Conversations.Client;
using Conversations.PostgreSql;
using Npgsql;

namespace Conversations.ScaleOut.Tests;

/// <summary>
/// Three hosts (real processes running MapConversations on 127.0.0.1) on one PostgreSQL and one Redis, behind a load
/// balancer; WebSocket clients spread over them. The invariants hold across hosts, also when one host is killed.
/// </summary>
#pragma warning disable CA1001 // Disposed in DisposeAsync (IAsyncLifetime), which xunit calls.
public sealed class ScaleOutTests : IAsyncLifetime
#pragma warning restore CA1001
{
    private const int Users = 6;
    private const int PostsPerUser = 20;
    private readonly string _schema = "s_" + Guid.NewGuid().ToString("N")[..20];
    private readonly List<HostProcess> _hosts = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(4));

    public async Task InitializeAsync()
    {
        if (TestServers.SkipReason([TestServers.PostgresVariable, TestServers.RedisVariable]) is not null)
        {
            return;
        }

        // Migrate once up front, so the three hosts start side by side against a ready schema.
        await using (var store = new PostgreSqlConversationStore(new PostgreSqlStoreOptions { ConnectionString = TestServers.Postgres, Schema = _schema }))
        {
            await store.InitializeAsync(_timeout.Token);
        }

        _hosts.AddRange(await Task.WhenAll(Enumerable.Range(1, 3).Select(i => HostProcess.StartAsync(_schema, $"host{i}", _timeout.Token))));
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        if (TestServers.Find(TestServers.PostgresVariable) is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(TestServers.Postgres);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        _timeout.Dispose();
    }

    /// <summary>
    /// Invariants 1, 2, 5 and 7 across hosts: every client sees every message once, in the same order, including the
    /// clients of a host killed mid-traffic, which reconnect to another host and resume without a gap; posts retried across
    /// the kill are stored once; the auto-respond agent registered on every host answers each message exactly once.
    /// </summary>
    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task ThreeHosts_OneKilledMidTraffic_EveryClientSeesEveryMessageOnceInOrder_AndTheAgentAnswersEachOnce()
    {
        await using var balancer = new TcpLoadBalancer([.. _hosts.Select(h => h.Url)]);
        var users = Enumerable.Range(0, Users).Select(i => $"user{i}").ToArray();
        await using var owner = await ConnectAsync(balancer.Url, users[0]);
        var room = await owner.CreateRoomAsync(new CreateRoomRequest
        {
            Name = "scale-out",
            Participants = [.. users.Skip(1).Select(u => ParticipantSpec.User(u)), ParticipantSpec.Agent("agent-echo")],
        }, _timeout.Token);
        var conversation = await owner.CreateConversationAsync(room.Id, "load", _timeout.Token);
        const int Expected = Users * PostsPerUser * 2;

        var clients = new List<ConversationsClient>();
        var reconnects = 0;
        for (var i = 0; i < Users; i++)
        {
            clients.Add(await ConnectAsync(balancer.Url, users[i], () => Interlocked.Increment(ref reconnects)));
        }

        balancer.Routed.Should().AllSatisfy(n => n.Should().BeGreaterThan(0), "the clients are spread over all three hosts");
        var seen = clients.Select(_ => new ConcurrentQueue<(long Sequence, string MessageId)>()).ToArray();
        var readers = clients.Select((client, i) => Task.Run(async () =>
        {
            await foreach (var e in client.SubscribeAsync(conversation.Id, 0, _timeout.Token))
            {
                if (e is MessageLogEvent logged)
                {
                    seen[i].Enqueue((logged.Sequence, logged.Message.Id));
                    if (logged.Sequence >= Expected)
                    {
                        return;
                    }
                }
            }
        })).ToArray();

        var posted = 0;
        var posters = clients.Select((client, u) => Task.Run(async () =>
        {
            for (var n = 0; n < PostsPerUser; n++)
            {
                await client.PostTextAsync(conversation.Id, $"{users[u]}:{n}", cancellationToken: _timeout.Token);
                Interlocked.Increment(ref posted);
            }
        })).ToArray();

        while (Volatile.Read(ref posted) < Users * PostsPerUser / 3)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _timeout.Token);
        }

        await _hosts[2].KillAsync();
        await Task.WhenAll(posters).WaitAsync(_timeout.Token);
        await Task.WhenAll(readers).WaitAsync(_timeout.Token);

        reconnects.Should().BeGreaterThan(0, "the killed host's clients reconnected elsewhere");
        var reference = seen[0].ToArray();
        reference.Select(s => s.Sequence).Should().Equal(Enumerable.Range(1, Expected).Select(i => (long)i), "every sequence once, in order, without a gap");
        foreach (var queue in seen)
        {
            queue.Should().Equal(reference, "every client sees the same messages in the same order");
        }

        await using var store = new PostgreSqlConversationStore(new PostgreSqlStoreOptions { ConnectionString = TestServers.Postgres, Schema = _schema });
        var history = await store.GetMessagesAsync(conversation.Id, new HistoryQuery { After = 0, Limit = 10_000 }, _timeout.Token);
        var mine = history.Where(m => m.SenderKind == AccountKind.User).Select(m => m.Text).ToArray();
        mine.Should().HaveCount(Users * PostsPerUser).And.OnlyHaveUniqueItems("a post retried across the kill is stored once");
        var replies = history.Where(m => m.SenderId == "agent-echo").ToArray();
        replies.Select(r => r.Text).Should().BeEquivalentTo(mine.Select(t => "echo: " + t), "the agent answers each message exactly once");
        replies.Should().OnlyContain(r => history.Any(m => m.Id == r.ReplyToId && "echo: " + m.Text == r.Text));
        (await store.GetTriggersAsync(conversation.Id, _timeout.Token)).Should().OnlyContain(t => t.Status == Storage.FlowTriggerStatus.Done);

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    /// <summary>Invariant 3 across hosts: the same direct room asked for at once on every host is one room.</summary>
    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task ThreeHosts_DirectRoomRequestedConcurrentlyOnEveryHost_IsOneRoom()
    {
        var clients = await Task.WhenAll(_hosts.Select((h, i) => ConnectAsync(new Uri(h.Url, "/conversations"), i % 2 == 0 ? "ann" : "ben")));
        try
        {
            var rooms = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => clients[i % clients.Length]
                .GetOrCreateDirectRoomAsync([ParticipantSpec.User("ann"), ParticipantSpec.User("ben")], _timeout.Token)));
            rooms.Select(r => r.Id).Distinct().Should().ContainSingle();
            rooms.Should().OnlyContain(r => r.Kind == RoomKind.Direct);
            (await clients[0].ListRoomsAsync(_timeout.Token)).Should().ContainSingle();
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private async Task<ConversationsClient> ConnectAsync(Uri url, string user, Action? reconnected = null)
    {
        var client = new ConversationsClient(new ConversationsClientOptions
        {
            Url = url,
            AccessTokenProvider = _ => ValueTask.FromResult<string?>(user),
            ReconnectPolicy = new QuickReconnects(),
            RequestTimeout = TimeSpan.FromSeconds(20),
            OnReconnected = () =>
            {
                reconnected?.Invoke();
                return ValueTask.CompletedTask;
            },
        });
        await client.ConnectAsync(_timeout.Token);
        return client;
    }

    private sealed class QuickReconnects : IReconnectPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) =>
            retryContext.PreviousRetryCount < 100 ? TimeSpan.FromMilliseconds(50 * Math.Min(retryContext.PreviousRetryCount, 10)) : null;
    }
}
