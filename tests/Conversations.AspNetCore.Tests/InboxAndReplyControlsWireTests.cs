using System.Net;
using System.Text.Json;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Conversations.AspNetCore.Tests;

/// <summary>The inbox and the reply controls over the WebSocket, over HTTP and through the .NET client.</summary>
public sealed class InboxAndReplyControlsWireTests
{
    [Fact]
    public async Task InboxSubscribe_OverTheWire_NamesItsSubscription_AndConversationFramesNameTheirs()
    {
        await using var server = await TestServer.StartAsync();
        var (room, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var socket = await server.ConnectRawAsync("alice");
        await socket.WelcomeAsync();

        var refused = await socket.CommandAsync("""{"type":"inbox.subscribe","id":"0","known":{"r1":-3}}""", "0");
        (refused.GetProperty("type").GetString(), refused.GetProperty("code").GetString()).Should().Be(("error", "invalid_argument"));

        var ack = await socket.CommandAsync("""{"type":"inbox.subscribe","id":"1"}""", "1");
        ack.GetProperty("result").GetProperty("subscription").GetString().Should().Be("inbox");
        var added = await socket.ReceiveUntilAsync("event");
        added.GetProperty("subscription").GetString().Should().Be("inbox");
        added.GetProperty("event").GetProperty("type").GetString().Should().Be("inbox.room_added");
        added.GetProperty("event").GetProperty("entry").GetProperty("room").GetProperty("id").GetString().Should().Be(room.Id);

        await socket.CommandAsync($$"""{"type":"subscribe","id":"2","conversationId":"{{conversation.Id}}"}""", "2");
        await server.Messages.PostTextAsync(Account.User("bob"), conversation.Id, "ping");
        var frames = new List<JsonElement>();
        while (!frames.Any(f => f.GetProperty("subscription").GetString() == "inbox") || !frames.Any(f => f.GetProperty("subscription").GetString()!.StartsWith("conversation:", StringComparison.Ordinal)))
        {
            frames.Add(await socket.ReceiveUntilAsync("event"));
        }

        var posted = frames.Single(f => f.GetProperty("event").GetProperty("type").GetString() == "conversation.message_posted");
        posted.GetProperty("subscription").GetString().Should().Be("conversation:" + conversation.Id);
        var updated = frames.Last(f => f.GetProperty("subscription").GetString() == "inbox").GetProperty("event");
        updated.GetProperty("type").GetString().Should().Be("inbox.room_updated");
        updated.GetProperty("entry").GetProperty("unreadCount").GetInt64().Should().Be(1);
        updated.GetProperty("entry").GetProperty("lastMessage").GetProperty("text").GetString().Should().Be("ping");
        updated.GetProperty("entry").GetProperty("lastMessage").GetProperty("status").GetString().Should().Be("complete");

        var page = await socket.CommandAsync("""{"type":"inbox.get","id":"3","limit":10}""", "3");
        page.GetProperty("result").GetProperty("entries")[0].GetProperty("unreadCount").GetInt64().Should().Be(1);
        var bad = await socket.CommandAsync("""{"type":"inbox.get","id":"4","cursor":"nonsense"}""", "4");
        bad.GetProperty("code").GetString().Should().Be("invalid_argument");
    }

    [Fact]
    public async Task Inbox_OverHttp_IsPaged_AndRefusesBadQueries()
    {
        await using var server = await TestServer.StartAsync();
        await server.CreateRoomAsync("alice", "bob");
        await server.CreateRoomAsync("alice");
        using var first = await server.Http.SendAsync(server.Request(HttpMethod.Get, "/inbox?limit=1", "alice"));
        first.StatusCode.Should().Be(HttpStatusCode.OK);
        using var body = JsonDocument.Parse(await first.Content.ReadAsStringAsync());
        body.RootElement.GetProperty("entries").GetArrayLength().Should().Be(1);
        body.RootElement.GetProperty("hasMore").GetBoolean().Should().BeTrue();
        var cursor = body.RootElement.GetProperty("nextCursor").GetString()!;

        using var second = await server.Http.SendAsync(server.Request(HttpMethod.Get, "/inbox?limit=1&cursor=" + Uri.EscapeDataString(cursor), "alice"));
        using var rest = JsonDocument.Parse(await second.Content.ReadAsStringAsync());
        rest.RootElement.GetProperty("entries").GetArrayLength().Should().Be(1);
        rest.RootElement.GetProperty("hasMore").GetBoolean().Should().BeFalse();

        foreach (var query in new[] { "?limit=0", "?limit=x", "?cursor=12", "?limit=100000" })
        {
            using var refused = await server.Http.SendAsync(server.Request(HttpMethod.Get, "/inbox" + query, "alice"));
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest, query);
            (await refused.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"invalid_argument\"");
        }

        using var anonymous = await server.Http.SendAsync(server.Request(HttpMethod.Get, "/inbox", null));
        anonymous.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task DotNetClient_InboxSubscription_ResumesAfterACutSocket_WithOnlyWhatChanged()
    {
        await using var server = await TestServer.StartAsync();
        var (quiet, _) = await server.CreateRoomAsync("bob", "alice");
        var (busy, conversation) = await server.CreateRoomAsync("bob", "alice");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var alice = await server.ConnectClientAsync("alice", o => o.OnReconnected = () =>
        {
            reconnected.TrySetResult();
            return ValueTask.CompletedTask;
        });
        using var safety = new CancellationTokenSource(RawSocket.Safety);
        await using var events = alice.SubscribeInboxAsync(cancellationToken: safety.Token).GetAsyncEnumerator(safety.Token);
        var initial = new List<InboxEvent>();
        for (var i = 0; i < 2; i++)
        {
            (await events.MoveNextAsync()).Should().BeTrue();
            initial.Add(events.Current);
        }

        initial.Should().AllBeOfType<InboxRoomAddedEvent>();
        initial.Select(e => e.RoomId).Should().BeEquivalentTo([quiet.Id, busy.Id]);

        // Cut the socket; while the client is away bob posts in one room and adds alice to a new one.
        server.Abort("alice").Should().BeGreaterThan(0);
        await server.Messages.PostTextAsync(Account.User("bob"), conversation.Id, "while you were away");
        var (fresh, _) = await server.CreateRoomAsync("bob", "alice");
        await reconnected.Task.WaitAsync(safety.Token);

        var after = new List<InboxEvent>();
        while (after.Count < 2 || !after.Any(e => e is InboxRoomUpdatedEvent { Entry.UnreadCount: 1 }) || !after.Any(e => e.RoomId == fresh.Id))
        {
            (await events.MoveNextAsync()).Should().BeTrue();
            after.Add(events.Current);
        }

        after.Should().NotContain(e => e.RoomId == quiet.Id, "the quiet room did not change, and the client said which version it held");
        after.OfType<InboxRoomAddedEvent>().Should().ContainSingle(e => e.RoomId == fresh.Id);
        after.Where(e => e.RoomId == busy.Id).Should().AllBeOfType<InboxRoomUpdatedEvent>();
        after.GroupBy(e => (e.RoomId, (e as InboxRoomUpdatedEvent)?.Entry.Version ?? (e as InboxRoomAddedEvent)?.Entry.Version)).Should().OnlyContain(g => g.Count() == 1, "nothing is delivered twice");
    }

    [Fact]
    public async Task Stop_OverTheWireAndHttp_StopsAStream_AndRefusesOthersAndRepeats()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob", "carol");
        var stream = await server.Messages.BeginStreamAsync(Account.User("bob"), conversation.Id);
        await stream.AppendAsync("half a thou");
        using var carol = await server.ConnectRawAsync("carol");
        await carol.WelcomeAsync();
        var refused = await carol.CommandAsync($$"""{"type":"messages.stop","id":"1","conversationId":"{{conversation.Id}}","messageId":"{{stream.Message.Id}}"}""", "1");
        refused.GetProperty("code").GetString().Should().Be("forbidden", "a member stops only agents' replies and her own streams");
        var missing = await carol.CommandAsync($$"""{"type":"messages.stop","id":"2","conversationId":"{{conversation.Id}}"}""", "2");
        missing.GetProperty("code").GetString().Should().Be("invalid_argument");

        await using var bob = await server.ConnectClientAsync("bob");
        var stopped = await bob.StopAsync(conversation.Id, stream.Message.Id);
        (stopped.Status, stopped.Text).Should().Be((MessageStatus.Stopped, "half a thou"));

        using var again = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages/{stream.Message.Id}/stop", "alice"));
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).Should().Contain("\"code\":\"conflict\"");

        var second = await server.Messages.BeginStreamAsync(Account.User("bob"), conversation.Id);
        using var http = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages/{second.Message.Id}/stop", "alice"));
        http.StatusCode.Should().Be(HttpStatusCode.OK, "the owner may stop anyone's stream");
        (await http.Content.ReadAsStringAsync()).Should().Contain("\"status\":\"stopped\"");
    }

    [Fact]
    public async Task Regenerate_OverTheWireAndHttp_ReplacesTheReplyOnce_AndRecordsTheRun()
    {
        await using var server = await TestServer.StartAsync();
        var room = await server.Rooms.CreateRoomAsync(Account.System, new CreateRoomRequest { Participants = [ParticipantSpec.User("alice", ParticipantRole.Owner), ParticipantSpec.User("viewer", ParticipantRole.Observer), ParticipantSpec.Agent("bot")] });
        var conversation = await server.Conversations.CreateAsync(Account.User("alice"), room.Id);
        var question = await server.Messages.PostTextAsync(Account.User("alice"), conversation.Id, "why?");
        var reply = await server.Messages.PostAsync(Account.Agent("bot"), conversation.Id, new PostMessageRequest { Text = "because", ReplyToId = question.Id });

        using var viewer = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages/{reply.Id}/regenerate", "viewer"));
        viewer.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        using var person = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages/{question.Id}/regenerate", "alice"));
        person.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        await using var alice = await server.ConnectClientAsync("alice");
        var replaced = await alice.RegenerateAsync(conversation.Id, reply.Id);
        replaced.IsDeleted.Should().BeTrue();
        var store = server.Services.GetRequiredService<ConversationStore>();
        var trigger = (await store.GetTriggersAsync(conversation.Id, CancellationToken.None)).Single(t => t.Kind == FlowTriggerKind.Regenerate);
        (trigger.AgentId, trigger.MessageId, trigger.Sequence).Should().Be(("bot", question.Id, replaced.LastSequence));

        using var socket = await server.ConnectRawAsync("alice");
        await socket.WelcomeAsync();
        var twice = await socket.CommandAsync($$"""{"type":"messages.regenerate","id":"1","conversationId":"{{conversation.Id}}","messageId":"{{reply.Id}}"}""", "1");
        twice.GetProperty("code").GetString().Should().Be("conflict");
        (await store.GetTriggersAsync(conversation.Id, CancellationToken.None)).Count(t => t.Kind == FlowTriggerKind.Regenerate).Should().Be(1);
    }
}
