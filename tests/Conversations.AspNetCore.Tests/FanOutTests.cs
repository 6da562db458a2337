using System.Net.WebSockets;
using System.Text.Json;
using Conversations.Client;
using Microsoft.Extensions.Time.Testing;

namespace Conversations.AspNetCore.Tests;

public sealed class FanOutTests
{
    [Fact]
    public async Task Twenty_clients_in_one_room_receive_every_message_in_order()
    {
        await using var server = await TestServer.StartAsync();
        var users = Enumerable.Range(0, 20).Select(i => $"user{i}").ToArray();
        var (_, conversation) = await server.CreateRoomAsync(users);
        var clients = await Task.WhenAll(users.Select(u => server.ConnectClientAsync(u)));
        const int Count = 50;
        try
        {
            var ready = new List<Task>();
            var received = clients.Select(async client =>
            {
                var sequences = new List<(long Sequence, string Text)>();
                await foreach (var e in client.SubscribeAsync(conversation.Id).WithCancellation(new CancellationTokenSource(RawSocket.Safety).Token))
                {
                    if (e is MessagePostedEvent posted)
                    {
                        sequences.Add((posted.Sequence, posted.Message.Text));
                        if (sequences.Count == Count)
                        {
                            break;
                        }
                    }
                }

                return sequences;
            }).ToArray();

            for (var i = 0; i < Count; i++)
            {
                await clients[i % clients.Length].PostTextAsync(conversation.Id, $"m{i}");
            }

            var results = await Task.WhenAll(received);
            foreach (var sequences in results)
            {
                sequences.Select(s => s.Text).Should().Equal(Enumerable.Range(0, Count).Select(i => $"m{i}"));
                sequences.Select(s => s.Sequence).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
            }
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_replay_of_stored_messages_goes_out_in_a_few_websocket_messages_not_one_per_event()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice");
        await using (var poster = await server.ConnectClientAsync("alice"))
        {
            for (var i = 0; i < 40; i++)
            {
                await poster.PostTextAsync(conversation.Id, $"m{i}");
            }
        }

        using var socket = await server.ConnectRawAsync("alice");
        await socket.WelcomeAsync();
        (await socket.CommandAsync($$"""{"type":"subscribe","id":"s","conversationId":"{{conversation.Id}}","afterSequence":0}""", "s")).GetProperty("type").GetString().Should().Be("ack");

        // The 40 events of the replay are ready at once: the subscription's pump queues them and sends them together.
        var messages = 0;
        var events = 0;
        while (events < 40)
        {
            var frames = await socket.ReceiveMessageAsync() ?? throw new InvalidOperationException("The server closed the connection.");
            messages++;
            events += frames.Count(f => f.GetProperty("type").GetString() == "event");
        }

        events.Should().Be(40);
        messages.Should().BeLessThan(10, "a burst is sent as one message (a send already under way may split it once or twice)");
    }

    [Fact]
    public async Task Events_that_follow_a_send_within_the_batch_window_wait_for_it_and_an_answer_takes_them_along()
    {
        // A window longer than the test: no event may leave on its own, only with the answer to a command.
        await using var server = await TestServer.StartAsync(o => o.WebSockets.EventBatchWindow = TimeSpan.FromMinutes(1));
        using var socket = await SubscribeBobAndPostThreeAsync(server);

        // Each ping's answer goes out at once and carries whatever events were held; ping until all three came.
        var texts = new List<string>();
        for (var ping = 0; texts.Count < 3; ping++)
        {
            ping.Should().BeLessThan(10_000, "the held events go out with an answer");
            await socket.SendTextAsync($$"""{"type":"ping","id":"p{{ping}}"}""");
            var frames = await socket.ReceiveMessageAsync();
            frames.Should().Contain(f => f.GetProperty("type").GetString() == "ack" && f.GetProperty("id").GetString() == $"p{ping}", "every message carries an answer: no event left alone");
            texts.AddRange(frames!.Where(f => f.GetProperty("type").GetString() == "event").Select(Text));
        }

        texts.Should().Equal("m0", "m1", "m2");
    }

    [Fact]
    public async Task Held_events_go_out_when_the_batch_window_ends_without_any_command()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.Zero };
        var window = TimeSpan.FromMilliseconds(5);
        await using var server = await TestServer.StartAsync(o =>
        {
            o.WebSockets.EventBatchWindow = window;
            o.WebSockets.BatchClock = clock;
        });
        using var socket = await SubscribeBobAndPostThreeAsync(server);

        // The clock stands still, so bob's connection holds every event until the window ends: move it on a window at a
        // time (events queued after one window's end are held for the next) until all three arrived.
        var texts = new List<string>();
        while (texts.Count < 3)
        {
            clock.Advance(window);
            var frames = await socket.ReceiveMessageAsync();
            frames.Should().OnlyContain(f => f.GetProperty("type").GetString() == "event");
            texts.AddRange(frames!.Select(Text));
        }

        texts.Should().Equal("m0", "m1", "m2");
    }

    [Fact]
    public async Task A_connection_that_sends_now_and_then_is_not_held()
    {
        // The clock stands still after the welcome has gone out and a minute has passed: the subscribe answer is bob's
        // first send for a minute, so his connection is not busy and the event that follows at once must not wait.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow) { AutoAdvanceAmount = TimeSpan.Zero };
        await using var server = await TestServer.StartAsync(o =>
        {
            o.WebSockets.EventBatchWindow = TimeSpan.FromMilliseconds(5);
            o.WebSockets.BatchClock = clock;
        });
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        using var socket = await server.ConnectRawAsync("bob");
        await socket.WelcomeAsync();
        clock.Advance(TimeSpan.FromMinutes(1));
        (await socket.CommandAsync($$"""{"type":"subscribe","id":"s","conversationId":"{{conversation.Id}}"}""", "s")).GetProperty("type").GetString().Should().Be("ack");
        await server.Messages.PostTextAsync(Account.User("alice"), conversation.Id, "now");

        (await socket.ReceiveMessageAsync())!.Select(Text).Should().Equal("now");
    }

    /// <summary>Bob subscribes over a raw socket (on a conversation with Alice); then Alice posts m0, m1 and m2.</summary>
    private static async Task<ClientWebSocket> SubscribeBobAndPostThreeAsync(TestServer server)
    {
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        var socket = await server.ConnectRawAsync("bob");
        await socket.WelcomeAsync();
        (await socket.CommandAsync($$"""{"type":"subscribe","id":"s","conversationId":"{{conversation.Id}}"}""", "s")).GetProperty("type").GetString().Should().Be("ack");
        await using var alice = await server.ConnectClientAsync("alice");
        for (var i = 0; i < 3; i++)
        {
            await alice.PostTextAsync(conversation.Id, $"m{i}");
        }

        return socket;
    }

    private static string Text(JsonElement frame) => frame.GetProperty("event").GetProperty("message").GetProperty("text").GetString()!;
}
