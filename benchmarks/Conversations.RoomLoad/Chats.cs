using System.Diagnostics;
using System.Globalization;
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

/// <summary>
/// One connected user in one room: posts (completing on the server's ack) and tallies what it receives. The tally keeps
/// no received text: a round of 5,000 posts to 50 receivers would otherwise hold 250,000 strings until it ends, and the
/// client process's garbage collector, copying them from generation to generation, stalled every client at once for
/// tens of milliseconds a few times a round — the harness measuring itself in the ack tail.
/// </summary>
internal abstract class Member : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Tally _tally = new(0, 0);
    private TaskCompletionSource? _reached;
    private int _target;

    public required string User { get; init; }

    public abstract Task PostAsync(string text, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Starts a new tally for a round in which <paramref name="posters"/> users post <paramref name="postsEach"/> each.</summary>
    public void Expect(int posters, int postsEach)
    {
        lock (_gate)
        {
            _tally = new Tally(posters, postsEach);
        }
    }

    /// <summary>Gets the current round's tally (read it once the round's messages have all arrived).</summary>
    public Tally Received
    {
        get
        {
            lock (_gate)
            {
                return _tally;
            }
        }
    }

    public Task WhenReceivedAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_tally.Count >= count)
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
            _tally.Add(text, at);
            if (_reached is not null && _tally.Count >= _target)
            {
                _reached.TrySetResult();
                _reached = null;
            }
        }
    }
}

/// <summary>
/// What one receiver got in one round, without keeping the texts: a post is <c>u{room}-{poster}|{i}|{sent}</c>, so its
/// index is <c>poster × postsEach + i</c>. Each index's latency (send to receipt) is kept, a repeat counted, and the order
/// folded into a hash: two receivers with equal hashes, counts and no repeats saw the same posts in the same order.
/// </summary>
internal sealed class Tally
{
    private readonly int _postsEach;
    private readonly double[] _latencies;

    public Tally(int posters, int postsEach)
    {
        _postsEach = postsEach;
        _latencies = new double[posters * postsEach];
        Array.Fill(_latencies, double.NaN);
    }

    /// <summary>Gets how many messages arrived, expected or not.</summary>
    public int Count { get; private set; }

    /// <summary>Gets how many arrived again, or were not a post of this round.</summary>
    public int Unexpected { get; private set; }

    /// <summary>Gets the order the posts arrived in, as an FNV-1a hash of their indexes.</summary>
    public ulong Order { get; private set; } = 14695981039346656037;

    /// <summary>Gets a post's latency in milliseconds, send to receipt (NaN: it did not arrive).</summary>
    public double Latency(int index) => _latencies[index];

    public void Add(string text, long at)
    {
        Count++;
        var rest = text.AsSpan();
        var bar = rest.IndexOf('|');
        var dash = bar < 0 ? -1 : rest[..bar].LastIndexOf('-');
        if (dash < 0 || !int.TryParse(rest[(dash + 1)..bar], CultureInfo.InvariantCulture, out var poster))
        {
            Unexpected++;
            return;
        }

        rest = rest[(bar + 1)..];
        bar = rest.IndexOf('|');
        if (bar < 0 || !int.TryParse(rest[..bar], CultureInfo.InvariantCulture, out var i) || !long.TryParse(rest[(bar + 1)..], CultureInfo.InvariantCulture, out var sent)
            || i < 0 || i >= _postsEach || poster < 0 || (long)poster * _postsEach + i >= _latencies.Length)
        {
            Unexpected++;
            return;
        }

        var index = (poster * _postsEach) + i;
        if (!double.IsNaN(_latencies[index]))
        {
            Unexpected++;
            return;
        }

        _latencies[index] = Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds;
        Order = (Order ^ (ulong)index) * 1099511628211;
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
