using System.Buffers.Text;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.Benchmarks;

/// <summary>
/// One sender, N subscribed WebSocket receivers on loopback. Each operation posts <see cref="MessagesPerOperation"/> messages and
/// ends when every receiver has every one. Baselines in the same run: a raw Kestrel WebSocket broadcast loop sending the
/// same frames, and an ASP.NET Core SignalR hub broadcasting to a group.
/// </summary>
[Config(typeof(FanOutConfig))]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 3, iterationCount: 10)]
[GcServer(true)]
public class FanOutBenchmarks
{
    public const int MessagesPerOperation = 100;

    private FanOutHost _host = null!;
    private readonly List<ClientWebSocket> _sockets = [];
    private readonly List<HubConnection> _hubs = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stop = new();
    private ClientWebSocket _sender = null!;
    private HubConnection _hubSender = null!;
    private string _conversationId = "";
    private long _received;
    private long _target;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _nextId;

    [Params(10, 100)]
    public int Receivers { get; set; }

    [GlobalSetup(Target = nameof(Conversations))]
    public async Task SetupConversations()
    {
        _host = await FanOutHost.StartAsync();
        var users = Enumerable.Range(0, Receivers).Select(i => $"r{i}").Prepend("sender").ToArray();
        var room = await _host.Services.GetRequiredService<IRoomService>().CreateRoomAsync(Account.System, new CreateRoomRequest
        {
            Participants = [.. users.Select(u => ParticipantSpec.User(u))],
        });
        _conversationId = (await _host.Services.GetRequiredService<IConversationService>().CreateAsync(Account.System, room.Id)).Id;
        for (var i = 0; i < Receivers; i++)
        {
            var socket = await ConnectAsync(_host.Url("/conversations"), $"r{i}");
            var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            await SendAsync(socket, $$"""{"type":"subscribe","id":"s","conversationId":"{{_conversationId}}"}""");
            _loops.Add(Task.Run(() => ReceiveLoopAsync(socket, subscribed)));
            await subscribed.Task;
        }

        _sender = await ConnectAsync(_host.Url("/conversations"), "sender");
        _loops.Add(Task.Run(() => DrainAsync(_sender)));
    }

    [GlobalSetup(Target = nameof(RawWebSocketBroadcast))]
    public async Task SetupRaw()
    {
        _host = await FanOutHost.StartAsync();
        for (var i = 0; i < Receivers; i++)
        {
            var socket = await ConnectAsync(_host.Url("/raw?role=receiver"), null);
            _loops.Add(Task.Run(() => ReceiveLoopAsync(socket, null)));
        }

        await _host.Raw.WaitForReceiversAsync(Receivers);
        _sender = await ConnectAsync(_host.Url("/raw?role=sender"), null);
    }

    [GlobalSetup(Target = nameof(SignalRGroup))]
    public async Task SetupSignalR()
    {
        _host = await FanOutHost.StartAsync();
        for (var i = 0; i < Receivers; i++)
        {
            var hub = await ConnectHubAsync();
            hub.On<string>("m", payload =>
            {
                var start = payload.IndexOf("ts=", StringComparison.Ordinal);
                Delivered(start < 0 ? 0 : long.Parse(payload.AsSpan(start + 3, 19), System.Globalization.CultureInfo.InvariantCulture));
            });
            await hub.InvokeAsync("Join");
        }

        _hubSender = await ConnectHubAsync();
    }

    [Benchmark]
    public async Task Conversations()
    {
        var done = Begin();
        for (var i = 0; i < MessagesPerOperation; i++)
        {
            var id = Interlocked.Increment(ref _nextId);
            await SendAsync(_sender, $$"""{"type":"messages.post","id":"{{id}}","conversationId":"{{_conversationId}}","text":"{{Payload.Text()}}"}""");
        }

        await done;
    }

    [Benchmark(Baseline = true)]
    public async Task RawWebSocketBroadcast()
    {
        var done = Begin();
        for (var i = 0; i < MessagesPerOperation; i++)
        {
            await SendAsync(_sender, Payload.Text());
        }

        await done;
    }

    [Benchmark]
    public async Task SignalRGroup()
    {
        var done = Begin();
        for (var i = 0; i < MessagesPerOperation; i++)
        {
            await _hubSender.SendAsync("Send", Payload.Frame(Payload.Text(), i));
        }

        await done;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        Latency.Save(GetType().GetMethods().First(m => m.Name == CurrentTarget).Name, Receivers);
        await _stop.CancelAsync();
        foreach (var socket in _sockets)
        {
            socket.Abort();
        }

        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        await _host.DisposeAsync();
    }

    private string CurrentTarget => _hubs.Count > 0 ? nameof(SignalRGroup) : _conversationId.Length > 0 ? nameof(Conversations) : nameof(RawWebSocketBroadcast);

    private Task Begin()
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = _done.Task;
        Volatile.Write(ref _target, Volatile.Read(ref _target) + ((long)MessagesPerOperation * Receivers));
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

    private async Task ReceiveLoopAsync(ClientWebSocket socket, TaskCompletionSource? subscribed)
    {
        var buffer = new byte[256 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var count = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(count), _stop.Token);
                    count += result.Count;
                }
                while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                // A Conversations message may carry several frames (one per line); each carries one "ts=" stamp.
                var frame = buffer.AsSpan(0, count);
                if (subscribed is not null && frame.IndexOf("\"ack\""u8) >= 0)
                {
                    subscribed.TrySetResult();
                }

                for (var ts = frame.IndexOf("ts="u8); ts >= 0; ts = frame.IndexOf("ts="u8))
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

    private async Task DrainAsync(ClientWebSocket socket)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(), _stop.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WebSocketException)
        {
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(Uri url, string? user)
    {
        var socket = new ClientWebSocket();
        if (user is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + user);
            socket.Options.AddSubProtocol("conversations.v1.json");
        }

        await socket.ConnectAsync(new UriBuilder(url) { Scheme = "ws" }.Uri, CancellationToken.None);
        _sockets.Add(socket);
        return socket;
    }

    private async Task<HubConnection> ConnectHubAsync()
    {
        var hub = new HubConnectionBuilder()
            .WithUrl(_host.Url("/hub"), o =>
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
