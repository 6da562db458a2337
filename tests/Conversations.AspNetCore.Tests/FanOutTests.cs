using Conversations.Client;

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
}
