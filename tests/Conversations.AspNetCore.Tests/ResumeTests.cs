using Conversations.Client;

namespace Conversations.AspNetCore.Tests;

public sealed class ResumeTests
{
    [Fact]
    public async Task Client_cut_mid_stream_resumes_with_nothing_missing_or_repeated_and_retried_posts_are_stored_once()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        var reconnected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var alice = await server.ConnectClientAsync("alice", o => o.OnReconnected = () =>
        {
            reconnected.TrySetResult();
            return ValueTask.CompletedTask;
        });
        await using var bob = await server.ConnectClientAsync("bob");
        const int Count = 200;
        using var safety = new CancellationTokenSource(RawSocket.Safety);

        var cut = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var received = Task.Run(async () =>
        {
            var sequences = new List<long>();
            await foreach (var e in alice.SubscribeAsync(conversation.Id, 0, safety.Token))
            {
                if (e is MessagePostedEvent posted)
                {
                    sequences.Add(posted.Sequence);
                    if (sequences.Count == Count / 4)
                    {
                        // Cut alice's socket on the server side while messages keep flowing.
                        server.Abort("alice").Should().BeGreaterThan(0);
                        cut.TrySetResult();
                    }

                    if (sequences.Count == Count)
                    {
                        break;
                    }
                }
            }

            return sequences;
        });

        // Bob and alice both post while the cut happens; alice's posts in flight are resent with their client message ids.
        var bobPosts = Task.Run(async () =>
        {
            for (var i = 0; i < Count / 2; i++)
            {
                await bob.PostTextAsync(conversation.Id, $"b{i}", cancellationToken: safety.Token);
            }
        });
        var alicePosts = Task.Run(async () =>
        {
            for (var i = 0; i < Count / 2; i++)
            {
                await alice.PostTextAsync(conversation.Id, $"a{i}", cancellationToken: safety.Token);
            }
        });

        await Task.WhenAll(bobPosts, alicePosts).WaitAsync(safety.Token);
        var sequences = await received.WaitAsync(safety.Token);
        await cut.Task.WaitAsync(safety.Token);
        await reconnected.Task.WaitAsync(safety.Token);

        sequences.Should().Equal(Enumerable.Range(1, Count).Select(i => (long)i), "every sequence arrives exactly once, in order");
        var history = await server.Messages.ReadAllAsync(Account.System, conversation.Id).ToListAsync();
        history.Should().HaveCount(Count);
        history.Select(m => m.Text).Should().OnlyHaveUniqueItems("a post retried after a lost ack is stored once");
    }

    [Fact]
    public async Task Streaming_reply_is_seen_as_deltas_then_completed()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        await using var alice = await server.ConnectClientAsync("alice");
        await using var bob = await server.ConnectClientAsync("bob");
        using var safety = new CancellationTokenSource(RawSocket.Safety);

        // Deltas are live only. The engine follows live events before it reads the log, so once bob has the earlier
        // message from the log his live subscription is in place.
        await server.Messages.PostTextAsync(Account.System, conversation.Id, "hello");
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var seen = Task.Run(async () =>
        {
            var deltas = new List<string>();
            await foreach (var e in bob.SubscribeAsync(conversation.Id, 0, safety.Token))
            {
                switch (e)
                {
                    case MessagePostedEvent { Sequence: 1 }:
                        ready.TrySetResult();
                        break;
                    case MessageDeltaEvent delta:
                        deltas.Add(delta.Delta);
                        break;
                    case MessageUpdatedEvent { Message.Status: MessageStatus.Complete } done:
                        return (deltas, done.Message);
                }
            }

            throw new InvalidOperationException("ended");
        });

        await ready.Task.WaitAsync(safety.Token);
        var message = await alice.StreamAsync(conversation.Id, Chunks("Hel", "lo ", "world"), cancellationToken: safety.Token);
        var (deltas, completed) = await seen.WaitAsync(safety.Token);

        message.Text.Should().Be("Hello world");
        message.Status.Should().Be(MessageStatus.Complete);
        completed.Text.Should().Be("Hello world");
        deltas.Should().Equal("Hel", "lo ", "world");
    }

    [Fact]
    public async Task Stream_is_failed_when_the_socket_drops()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        await using var alice = await server.ConnectClientAsync("alice");
        using var safety = new CancellationTokenSource(RawSocket.Safety);
        var firstChunkSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async IAsyncEnumerable<string> Chunks()
        {
            yield return "partial";
            firstChunkSent.TrySetResult();
            await release.Task;
            yield return " more";
        }

        var streaming = alice.StreamAsync(conversation.Id, Chunks(), cancellationToken: safety.Token);
        await firstChunkSent.Task.WaitAsync(safety.Token);
        var history = await server.Messages.GetHistoryAsync(Account.System, conversation.Id);
        history.Messages.Should().ContainSingle().Which.Status.Should().Be(MessageStatus.Streaming);

        server.Abort("alice");
        var updated = await WaitForAsync(server, conversation.Id, m => m.Status == MessageStatus.Failed, safety.Token);
        updated.Text.Should().StartWith("partial");
        release.TrySetResult();
        await FluentActions.Awaiting(() => streaming).Should().ThrowAsync<ConversationsException>();
    }

    [Fact]
    public async Task When_the_policy_gives_up_the_client_closes_and_its_subscriptions_fail()
    {
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice");
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        RetryContext? asked = null;
        await using var alice = await server.ConnectClientAsync("alice", o =>
        {
            o.ReconnectPolicy = new GiveUp(c => asked = c);
            o.OnClosed = e =>
            {
                closed.TrySetResult(e);
                return ValueTask.CompletedTask;
            };
        });
        using var safety = new CancellationTokenSource(RawSocket.Safety);
        await server.Messages.PostTextAsync(Account.Create("alice", AccountKind.User), conversation.Id, "hello");
        var events = alice.SubscribeAsync(conversation.Id, 0, safety.Token).GetAsyncEnumerator(safety.Token);
        (await events.MoveNextAsync()).Should().BeTrue();

        server.Abort("alice");
        await closed.Task.WaitAsync(safety.Token);
        alice.State.Should().Be(ConversationsClientState.Closed);
        asked!.PreviousRetryCount.Should().Be(0);
        await FluentActions.Awaiting(async () => await events.MoveNextAsync()).Should().ThrowAsync<UnavailableException>();
        await FluentActions.Awaiting(() => alice.ListRoomsAsync()).Should().ThrowAsync<UnavailableException>();
        await events.DisposeAsync();
    }

    private sealed class GiveUp(Action<RetryContext> seen) : IReconnectPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext)
        {
            seen(retryContext);
            return null;
        }
    }

    private static async Task<Message> WaitForAsync(TestServer server, string conversationId, Func<Message, bool> predicate, CancellationToken ct)
    {
        await foreach (var e in server.Messages.SubscribeAsync(Account.System, conversationId, 0, ct))
        {
            if (e is MessageLogEvent log && predicate(log.Message))
            {
                return log.Message;
            }
        }

        throw new InvalidOperationException("ended");
    }

    private static async IAsyncEnumerable<string> Chunks(params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
