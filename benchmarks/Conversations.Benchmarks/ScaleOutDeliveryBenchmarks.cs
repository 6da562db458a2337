using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Conversations.Storage;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Benchmarks;

/// <summary>
/// Delivery across two hosts through one Redis: a sender connected to host A, N receivers connected to host B. Each
/// operation sends <see cref="FanOutBenchmarks.MessagesPerOperation"/> messages and ends when every receiver has every
/// one. Conversations posts through <c>MapConversations</c> with the Redis event bus (both hosts share one in-memory store,
/// so the numbers are the bus's, not a database's); the baseline in the same run is an ASP.NET Core SignalR hub with the
/// StackExchange.Redis backplane broadcasting to a group, on the same Redis. The Redis server comes from
/// CONVERSATIONS_BENCH_REDIS (or CONVERSATIONS_TEST_REDIS).
/// </summary>
[Config(typeof(FanOutConfig))]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[GcServer(true)]
public class ScaleOutDeliveryBenchmarks
{
    private readonly List<FanOutHost> _hosts = [];
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<HubConnection> _hubs = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string _prefix = "bench-" + Guid.NewGuid().ToString("N")[..12];
    private ClientWebSocket _sender = null!;
    private HubConnection _hubSender = null!;
    private string _conversationId = "";
    private long _received;
    private long _target;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    [Params(10, 100)]
    public int Receivers { get; set; }

    public static string Redis =>
        Environment.GetEnvironmentVariable("CONVERSATIONS_BENCH_REDIS") is { Length: > 0 } bench ? bench
        : Environment.GetEnvironmentVariable("CONVERSATIONS_TEST_REDIS") is { Length: > 0 } test ? test
        : throw new InvalidOperationException("Set CONVERSATIONS_BENCH_REDIS (or CONVERSATIONS_TEST_REDIS) to a StackExchange.Redis configuration string.");

    [GlobalSetup(Target = nameof(ConversationsViaRedis))]
    public async Task SetupConversations()
    {
        var store = new InMemoryConversationStore();
        foreach (var _ in new[] { "A", "B" })
        {
            _hosts.Add(await FanOutHost.StartAsync(services =>
            {
                services.AddSingleton<ConversationStore>(store);
                services.AddConversations().UseRedisEventBus(Redis, o => o.ChannelPrefix = _prefix);
            }));
        }

        var users = Enumerable.Range(0, Receivers).Select(i => $"r{i}").Prepend("sender").ToArray();
        var room = await _hosts[0].Services.GetRequiredService<IRoomService>().CreateRoomAsync(Account.System, new CreateRoomRequest { Participants = [.. users.Select(u => ParticipantSpec.User(u))] });
        _conversationId = (await _hosts[0].Services.GetRequiredService<IConversationService>().CreateAsync(Account.System, room.Id)).Id;
        for (var i = 0; i < Receivers; i++)
        {
            var socket = await ConnectAsync(_hosts[1].Url("/conversations"), $"r{i}");
            var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync(socket, $$"""{"type":"subscribe","id":"s","conversationId":"{{_conversationId}}"}""");
            _ = Task.Run(() => ReceiveLoopAsync(socket, subscribed));
            await subscribed.Task;
        }

        _sender = await ConnectAsync(_hosts[0].Url("/conversations"), "sender");
        _ = Task.Run(() => ReceiveLoopAsync(_sender, null, count: false));
    }

    [GlobalSetup(Target = nameof(SignalRViaRedis))]
    public async Task SetupSignalR()
    {
        foreach (var _ in new[] { "A", "B" })
        {
            _hosts.Add(await FanOutHost.StartAsync(services =>
                services.AddSignalR().AddStackExchangeRedis(Redis, o => o.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal(_prefix))));
        }

        for (var i = 0; i < Receivers; i++)
        {
            var hub = await ConnectHubAsync(_hosts[1]);
            hub.On<string>("m", payload =>
            {
                var start = payload.IndexOf("ts=", StringComparison.Ordinal);
                Delivered(start < 0 ? 0 : long.Parse(payload.AsSpan(start + 3, 19), System.Globalization.CultureInfo.InvariantCulture));
            });
            await hub.InvokeAsync("Join");
        }

        _hubSender = await ConnectHubAsync(_hosts[0]);
    }

    [Benchmark]
    public async Task ConversationsViaRedis()
    {
        var done = Begin();
        for (var i = 0; i < FanOutBenchmarks.MessagesPerOperation; i++)
        {
            var id = Interlocked.Increment(ref _nextId);
            await SendAsync(_sender, $$"""{"type":"messages.post","id":"{{id}}","conversationId":"{{_conversationId}}","text":"{{Payload.Text()}}"}""");
        }

        await done;
    }

    [Benchmark(Baseline = true)]
    public async Task SignalRViaRedis()
    {
        var done = Begin();
        for (var i = 0; i < FanOutBenchmarks.MessagesPerOperation; i++)
        {
            await _hubSender.SendAsync("Send", Payload.Frame(Payload.Text(), i));
        }

        await done;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        Latency.Save(_hubs.Count > 0 ? nameof(SignalRViaRedis) : nameof(ConversationsViaRedis), Receivers);
        await _stop.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Abort();
        }

        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }
    }

    private Task Begin()
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = _done.Task;
        Volatile.Write(ref _target, Volatile.Read(ref _target) + ((long)FanOutBenchmarks.MessagesPerOperation * Receivers));
        if (Volatile.Read(ref _received) >= Volatile.Read(ref _target))
        {
            _done.TrySetResult();
        }

        return done;
    }

    private void Delivered(long sentTimestamp)
    {
        if (sentTimestamp > 0)
        {
            Latency.Record(Stopwatch.GetTimestamp() - sentTimestamp);
        }

        if (Interlocked.Increment(ref _received) >= Volatile.Read(ref _target))
        {
            _done.TrySetResult();
        }
    }

    private async Task ReceiveLoopAsync(ClientWebSocket socket, TaskCompletionSource? subscribed, bool count = true)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token);
                    length += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = buffer.AsSpan(0, length);
                if (subscribed is not null && frame.IndexOf("\"ack\""u8) >= 0)
                {
                    subscribed.TrySetResult();
                }

                // Only message events count (acks to the sender are drained, not counted); each carries one "ts=" stamp.
                for (var ts = count ? frame.IndexOf("ts="u8) : -1; ts >= 0; ts = frame.IndexOf("ts="u8))
                {
                    Delivered(Utf8Parser.TryParse(frame.Slice(ts + 3, 19), out long sent, out _) ? sent : 0);
                    frame = frame[(ts + 22)..];
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(Uri url, string user)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Authorization", "Bearer " + user);
        socket.Options.AddSubProtocol("conversations.v1.json");
        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws" }.Uri, CancellationToken.None);
        _sockets.Add(socket);
        return socket;
    }

    private async Task<HubConnection> ConnectHubAsync(FanOutHost host)
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(host.Url("/hub"), o =>
            {
                o.SkipNegotiation = true;
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
            })
            .Build();
        await hub.StartAsync();
        _hubs.Add(hub);
        return hub;
    }

    private static Task SendAsync(WebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None);
}
