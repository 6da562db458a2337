using System.Net.Sockets;
using System.Net.WebSockets;

namespace Conversations.AspNetCore.Tests;

public sealed class BackpressureTests
{
    [Fact]
    public async Task A_client_that_stops_reading_is_dropped_without_slowing_the_others()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.WebSockets.SendQueueCapacity = 32;
            o.WebSockets.SlowClientTimeout = TimeSpan.FromMilliseconds(200);
            o.WebSockets.CloseTimeout = TimeSpan.FromMilliseconds(200);
        });
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob", "carol", "slow");
        using var safety = new CancellationTokenSource(RawSocket.Safety);

        // The slow client's socket has a tiny receive buffer so the server's side fills up quickly.
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096, NoDelay = true };
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var invoker = new HttpMessageInvoker(handler);
        using var slow = await server.ConnectRawAsync("slow", invoker: invoker);
        await slow.WelcomeAsync();
        var dropped = server.WhenConnectionEnds("slow");
        (await slow.CommandAsync($$"""{"type":"subscribe","id":"s","conversationId":"{{conversation.Id}}"}""", "s")).Type().Should().Be("ack");

        await using var bob = await server.ConnectClientAsync("bob");
        await using var carol = await server.ConnectClientAsync("carol");
        const int Count = 1500;
        var text = new string('x', 8 * 1024);
        var readers = new[] { bob, carol }.Select(client => Task.Run(async () =>
        {
            long received = 0;
            await foreach (var e in client.SubscribeAsync(conversation.Id, 0, safety.Token))
            {
                if (e is MessagePostedEvent posted)
                {
                    posted.Sequence.Should().Be(received + 1);
                    received = posted.Sequence;
                    if (received == Count)
                    {
                        return received;
                    }
                }
            }

            return received;
        })).ToArray();

        var alice = Account.Create("alice", AccountKind.User);
        for (var i = 0; i < Count; i++)
        {
            await server.Messages.PostTextAsync(alice, conversation.Id, text, cancellationToken: safety.Token);
        }

        (await Task.WhenAll(readers).WaitAsync(safety.Token)).Should().AllBeEquivalentTo(Count);
        await dropped.WaitAsync(safety.Token);

        // Now the slow client reads what reached it: it was cut off before the end, by a 4002 close or, when even the close
        // frame could not get through its full window, by an abort.
        long last = 0;
        try
        {
            while (await slow.ReceiveFrameAsync() is { } frame)
            {
                if (frame.Type() == "event")
                {
                    last = frame.GetProperty("event").GetProperty("sequence").GetInt64();
                }
            }

            slow.CloseStatus.Should().Be((WebSocketCloseStatus)4002);
        }
        catch (WebSocketException)
        {
            slow.State.Should().Be(WebSocketState.Aborted);
        }

        last.Should().BeLessThan(Count, "the slow client was dropped, not waited for");

        // It can resume from where it got to.
        using var again = await server.ConnectRawAsync("slow");
        await again.WelcomeAsync();
        (await again.CommandAsync($$"""{"type":"subscribe","id":"r","conversationId":"{{conversation.Id}}","afterSequence":{{last}}}""", "r")).Type().Should().Be("ack");
        var next = await again.ReceiveUntilAsync("event");
        next.GetProperty("event").GetProperty("sequence").GetInt64().Should().Be(last + 1);
    }
}
