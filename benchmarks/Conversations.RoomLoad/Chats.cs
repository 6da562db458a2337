using System.Diagnostics;
using Conversations.Client;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.RoomLoad;

/// <summary>A chat system seen from its clients: open a room for some users, each connected and following it.</summary>
internal interface IChat
{
    string Name { get; }

    Task<IReadOnlyList<Member>> OpenRoomAsync(string roomName, string[] users, CancellationToken cancellationToken);

    Task PrepareRoomAsync(string roomName, string[] users, CancellationToken cancellationToken);

    Task<Member> ConnectIdleAsync(string user, string roomName, CancellationToken cancellationToken);
}

/// <summary>One connected user in one room: posts (completing on the server's ack) and records what it receives.</summary>
internal abstract class Member : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<(string Text, long At)> _received = [];
    private TaskCompletionSource? _reached;
    private int _target;

    public required string User { get; init; }

    public int ReceivedCount
    {
        get
        {
            lock (_gate)
            {
                return _received.Count;
            }
        }
    }

    public abstract Task PostAsync(string text, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    public (string Text, long At)[] TakeReceived()
    {
        lock (_gate)
        {
            var copy = _received.ToArray();
            _received.Clear();
            return copy;
        }
    }

    public Task WhenReceivedAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_received.Count >= count)
            {
                return Task.CompletedTask;
            }

            _target = count;
            _reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _reached.Task.WaitAsync(cancellationToken);
        }
    }

    protected void Record(string text)
    {
        var at = Stopwatch.GetTimestamp();
        lock (_gate)
        {
            _received.Add((text, at));
            if (_reached is not null && _received.Count >= _target)
            {
                _reached.TrySetResult();
                _reached = null;
            }
        }
    }
}

/// <summary>Conversations over its own .NET client.</summary>
internal sealed class ConversationsChat(Uri baseUri) : IChat
{
    /// <summary>Gets or sets whether our clients read events as JSON (<c>--json-events</c>) rather than compact records (the client's default).</summary>
    public static bool JsonEvents { get; set; }

    public string Name => "Conversations";

    public async Task<IReadOnlyList<Member>> OpenRoomAsync(string roomName, string[] users, CancellationToken cancellationToken)
    {
        var clients = await Task.WhenAll(users.Select(u => ConnectAsync(u, cancellationToken)));
        var room = await clients[0].CreateRoomAsync(new CreateRoomRequest { Name = roomName, Participants = [.. users.Skip(1).Select(u => ParticipantSpec.User(u))] }, cancellationToken);
        var conversation = await clients[0].CreateConversationAsync(room.Id, cancellationToken: cancellationToken);
        return await Task.WhenAll(users.Select((u, i) => Follow(u, clients[i], conversation.Id, cancellationToken)));
    }

    public async Task PrepareRoomAsync(string roomName, string[] users, CancellationToken cancellationToken)
    {
        await using var owner = await ConnectAsync(users[0], cancellationToken);
        var room = await owner.CreateRoomAsync(new CreateRoomRequest { Name = roomName, Participants = [.. users.Skip(1).Select(u => ParticipantSpec.User(u))] }, cancellationToken);
        await owner.CreateConversationAsync(room.Id, cancellationToken: cancellationToken);
    }

    public async Task<Member> ConnectIdleAsync(string user, string roomName, CancellationToken cancellationToken)
    {
        var client = await ConnectAsync(user, cancellationToken);
        var rooms = await client.ListRoomsAsync(cancellationToken);
        var room = rooms.Single(r => r.Name == roomName);
        var conversation = (await client.ListConversationsAsync(room.Id, cancellationToken))[0];
        var member = new Follower(client, conversation.Id) { User = user };
        await member.StartAsync(cancellationToken, probe: false);
        return member;
    }

    private async Task<ConversationsClient> ConnectAsync(string user, CancellationToken cancellationToken)
    {
        var client = new ConversationsClient(new ConversationsClientOptions
        {
            Url = new Uri($"ws://{baseUri.Authority}/conversations?user={Uri.EscapeDataString(user)}"),
            ReconnectPolicy = null,
            RequestTimeout = TimeSpan.FromMinutes(2),
            CompactEvents = !JsonEvents,
        });
        await client.ConnectAsync(cancellationToken);
        return client;
    }

    private static async Task<Member> Follow(string user, ConversationsClient client, string conversationId, CancellationToken cancellationToken)
    {
        var member = new Follower(client, conversationId) { User = user };
        await member.StartAsync(cancellationToken);
        return member;
    }

    private sealed class Follower(ConversationsClient client, string conversationId) : Member
    {
        private readonly CancellationTokenSource _stop = new();
        private Task? _reading;

        public async Task StartAsync(CancellationToken cancellationToken, bool probe = true)
        {
            var events = client.SubscribeAsync(conversationId, 0, _stop.Token).GetAsyncEnumerator(_stop.Token);
            var first = events.MoveNextAsync();
            if (!probe)
            {
                // Idle connections post nothing (as the hand-built hub's only join): the server answers commands of one
                // connection in order, so once a later command is answered the subscription is live.
                await client.ListRoomsAsync(cancellationToken);
                _reading = ReadAsync(events, first);
                return;
            }

            // The subscription is live once the server answered it: a probe message proves it.
            await client.PostTextAsync(conversationId, "probe|" + User, cancellationToken: cancellationToken);
            _reading = ReadAsync(events, first);
            await WhenReceivedAsync(1, cancellationToken);
            TakeReceived();
        }

        public override Task PostAsync(string text, CancellationToken cancellationToken) =>
            client.PostTextAsync(conversationId, text, cancellationToken: cancellationToken);

        public override async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            if (_reading is not null)
            {
                await _reading.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await client.DisposeAsync();
            _stop.Dispose();
        }

        private async Task ReadAsync(IAsyncEnumerator<ConversationEvent> events, ValueTask<bool> first)
        {
            await using (events)
            {
                var more = await first;
                while (more)
                {
                    if (events.Current is MessagePostedEvent posted && !posted.Message.Text.StartsWith("probe|", StringComparison.Ordinal))
                    {
                        Record(posted.Message.Text);
                    }
                    else if (events.Current is MessagePostedEvent probe && probe.Message.Text == "probe|" + User)
                    {
                        Record(probe.Message.Text);
                    }

                    more = await events.MoveNextAsync();
                }
            }
        }
    }
}

/// <summary>The hand-built hub over SignalR's own .NET client.</summary>
internal sealed class HandBuiltChat(Uri baseUri) : IChat
{
    /// <summary>Gets or sets whether the hub's clients speak SignalR's MessagePack hub protocol (<c>--hub-messagepack</c>) rather than its default JSON.</summary>
    public static bool MessagePack { get; set; }

    public string Name => "SignalR + SQLite (by hand)";

    public async Task<IReadOnlyList<Member>> OpenRoomAsync(string roomName, string[] users, CancellationToken cancellationToken) =>
        await Task.WhenAll(users.Select(u => ConnectIdleAsync(u, roomName, cancellationToken)));

    public Task PrepareRoomAsync(string roomName, string[] users, CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task<Member> ConnectIdleAsync(string user, string roomName, CancellationToken cancellationToken)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl($"{baseUri.GetLeftPart(UriPartial.Authority)}/hub?user={Uri.EscapeDataString(user)}", o => o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets);
        if (MessagePack)
        {
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        connection.ServerTimeout = TimeSpan.FromMinutes(5);
        var member = new HubMember(connection, roomName) { User = user };
        connection.On<long, string, string>("message", (_, _, text) => member.OnMessage(text));
        await connection.StartAsync(cancellationToken);
        await connection.InvokeAsync("Join", roomName, cancellationToken);
        return member;
    }

    private sealed class HubMember(HubConnection connection, string room) : Member
    {
        public void OnMessage(string text) => Record(text);

        public override Task PostAsync(string text, CancellationToken cancellationToken) =>
            connection.InvokeAsync<long>("Post", room, text, cancellationToken);

        public override async ValueTask DisposeAsync() => await connection.DisposeAsync();
    }
}
