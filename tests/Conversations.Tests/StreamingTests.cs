using Microsoft.Extensions.DependencyInjection;
using System.Runtime.CompilerServices;
using Conversations.Testing;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

public sealed class StreamingTests : IAsyncLifetime
{
    private static readonly Account Alice = Account.User("alice");
    private ConversationsTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ConversationsTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invariant8_StreamedMessage_ExistsFromTheStart_DeltasArriveLive_TextStoredOnceAtCompletion()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice, ParticipantSpec.User("bob"));
        var received = new List<ConversationEvent>();
        var postSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = Task.Run(async () =>
        {
            await foreach (var e in _host.Messages.SubscribeAsync(Account.User("bob"), conversation.Id, 0, Timeout()))
            {
                received.Add(e);
                if (e is MessagePostedEvent)
                {
                    postSeen.TrySetResult();
                }

                if (e is MessageUpdatedEvent)
                {
                    return;
                }
            }
        });
        await WaitForSubscriberAsync(conversation);

        var stream = await _host.Messages.BeginStreamAsync(Alice, conversation.Id, new StreamMessageRequest { Format = MessageFormat.Markdown });
        stream.Message.Status.Should().Be(MessageStatus.Streaming);
        (await _host.Store.GetMessageAsync(conversation.Id, stream.Message.Id, Timeout()))!.Status.Should().Be(MessageStatus.Streaming);

        // The subscriber follows the stream from its post, so every chunk after it reaches it live, as a delta. (One that
        // reads the post only after chunks went out gets a snapshot of them instead: the join-mid-stream tests cover that.)
        await postSeen.Task.WaitAsync(Timeout());
        foreach (var chunk in new[] { "Hel", "lo, ", "", "world" })
        {
            await stream.AppendAsync(chunk);
        }

        stream.Text.Should().Be("Hello, world");
        var final = await stream.CompleteAsync();
        await subscriber.WaitAsync(Timeout());

        final.Status.Should().Be(MessageStatus.Complete);
        final.Text.Should().Be("Hello, world");
        final.Sequence.Should().Be(1);
        final.LastSequence.Should().Be(2);
        received[0].Should().BeOfType<MessagePostedEvent>();
        received[^1].Should().BeOfType<MessageUpdatedEvent>();
        received.Should().OnlyContain(e => e is MessageLogEvent || e is MessageDeltaEvent || e is MessageSnapshotEvent);
        AssembleStrictly(received, final.Id).Should().Be("Hello, world", "the subscriber saw every chunk once, in order (a snapshot stands in for chunks sent before it caught up)");
        received.OfType<MessageSnapshotEvent>().Should().BeEmpty("nothing was streamed before the subscriber followed the stream");
        received.OfType<MessageDeltaEvent>().Select(d => (d.MessageId, d.MessageSequence, d.Index, d.Delta)).Should().Equal(
            [(final.Id, 1L, 0, "Hel"), (final.Id, 1L, 1, "lo, "), (final.Id, 1L, 2, "world")],
            "each non-empty chunk arrives live, once, in order (an empty one is not sent)");
        var log = await _host.Store.ReadLogAsync(conversation.Id, 0, 10, Timeout());
        log.Should().HaveCount(2, "the text is stored once, at completion, not per chunk");
    }

    [Fact]
    public async Task CompleteWithData_StoresTheDataWithTheText_AndRefusesBadDataWithoutClosing()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice);
        var stream = await _host.Messages.BeginStreamAsync(Alice, conversation.Id);
        await stream.AppendAsync("answer");

        await FluentActions.Awaiting(() => stream.CompleteAsync(System.Text.Json.JsonDocument.Parse("7").RootElement)).Should().ThrowAsync<InvalidArgumentException>();
        stream.IsClosed.Should().BeFalse();
        var done = await stream.CompleteAsync(System.Text.Json.JsonDocument.Parse("""{"usage":{"outputTokens":3}}""").RootElement);

        done.Data!.Value.GetProperty("usage").GetProperty("outputTokens").GetInt32().Should().Be(3);
        (await _host.Store.GetMessageAsync(conversation.Id, done.Id, Timeout()))!.Data!.Value.GetProperty("usage").GetProperty("outputTokens").GetInt32().Should().Be(3);
    }

    [Fact]
    public async Task Invariant8_FailingChunks_EndTheMessageFailedWithTheTextSoFar()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice);

        var act = () => _host.Messages.StreamAsync(Alice, conversation.Id, ChunksThenThrow());
        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("model went away");

        var message = (await _host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Single();
        message.Status.Should().Be(MessageStatus.Failed);
        message.Text.Should().Be("partial answer");
    }

    [Fact]
    public async Task Invariant8_CancelledStream_EndsFailedWithTheTextSoFar()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice);
        using var cancel = new CancellationTokenSource();

        var act = () => _host.Messages.StreamAsync(Alice, conversation.Id, ChunksThenCancel(cancel), cancellationToken: cancel.Token);
        await act.Should().ThrowAsync<OperationCanceledException>();

        var message = (await _host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Single();
        message.Status.Should().Be(MessageStatus.Failed);
        message.Text.Should().Be("first ");
    }

    [Fact]
    public async Task Invariant8_DisposingAnOpenStream_FailsIt_AndAClosedStreamRefusesMore()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice);
        var stream = await _host.Messages.BeginStreamAsync(Alice, conversation.Id);
        await stream.AppendAsync("abandoned");
        await stream.DisposeAsync();

        stream.IsClosed.Should().BeTrue();
        (await _host.Store.GetMessageAsync(conversation.Id, stream.Message.Id, Timeout()))!.Status.Should().Be(MessageStatus.Failed);
        await FluentActions.Awaiting(() => stream.AppendAsync("more")).Should().ThrowAsync<ConflictException>();
        await FluentActions.Awaiting(() => stream.CompleteAsync()).Should().ThrowAsync<ConflictException>();
    }

    [Fact]
    public async Task Streaming_OverTheTextLimit_RefusesTheChunkAndKeepsTheStreamUsable()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Configure<ConversationsOptions>(o => o.MaxTextLength = 10));
        var (_, conversation) = await RoomWithConversationAsync(host, Alice);
        var stream = await host.Messages.BeginStreamAsync(Alice, conversation.Id);
        await stream.AppendAsync("0123456");

        await FluentActions.Awaiting(() => stream.AppendAsync("789A")).Should().ThrowAsync<LimitExceededException>();
        stream.Text.Should().Be("0123456");
        (await stream.CompleteAsync()).Text.Should().Be("0123456");
    }

    [Fact]
    public async Task Streaming_StreamingMessageCannotBeEdited_AndStartingTwiceWithOneClientIdIsAConflict()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice);
        var stream = await _host.Messages.BeginStreamAsync(Alice, conversation.Id, new StreamMessageRequest { ClientMessageId = "s-1" });

        await FluentActions.Awaiting(() => _host.Messages.EditAsync(Alice, conversation.Id, stream.Message.Id, new EditMessageRequest { Text = "x" }))
            .Should().ThrowAsync<ConflictException>();
        await FluentActions.Awaiting(() => _host.Messages.BeginStreamAsync(Alice, conversation.Id, new StreamMessageRequest { ClientMessageId = "s-1" }))
            .Should().ThrowAsync<ConflictException>();
        await stream.CompleteAsync();
    }

    [Fact]
    public async Task Invariant8_AfterRestart_AStreamIsFailedWithItsCheckpointedText_OnlyOnceItsLeaseEnded()
    {
        // One store outlives two engines, as a database file outlives a process.
        var store = new InMemoryConversationStore();
        string conversationId, messageId;
        await using (var first = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.AddSingleton<Storage.ConversationStore>(store);
            b.Services.Configure<ConversationsOptions>(o => o.StreamCheckpointInterval = TimeSpan.Zero);
        }))
        {
            var (_, conversation) = await RoomWithConversationAsync(first, Alice);
            var stream = await first.Messages.BeginStreamAsync(Alice, conversation.Id);
            await stream.AppendAsync("cut off mid");
            conversationId = conversation.Id;
            messageId = stream.Message.Id;

            // The process "dies": the stream is never closed.
        }

        (await store.GetMessageAsync(conversationId, messageId, Timeout()))!.Status.Should().Be(MessageStatus.Streaming);
        await using var second = await ConversationsTestHost.StartAsync(b => b.Services.AddSingleton<Storage.ConversationStore>(store));
        (await store.GetMessageAsync(conversationId, messageId, Timeout()))!.Status.Should().Be(MessageStatus.Streaming, "its owner's lease still holds: it may be alive elsewhere");

        second.Time.Advance(TimeSpan.FromSeconds(31));
        var updated = await second.Events.WaitForAsync<MessageUpdatedEvent>(e => e.Message.Id == messageId, Timeout());
        updated.Message.Status.Should().Be(MessageStatus.Failed);
        var recovered = await store.GetMessageAsync(conversationId, messageId, Timeout());
        (recovered!.Status, recovered.Text, recovered.LastSequence).Should().Be((MessageStatus.Failed, "cut off mid", 2L));
        (await store.GetStreamingMessagesAsync(Timeout())).Should().BeEmpty();
    }

    [Fact]
    public async Task Agents_StreamReplies_AsTheFlow()
    {
        _host.FlowEngine.StreamReply("Thinking", " about", " it.");
        var (_, conversation) = await RoomWithConversationAsync(_host, Alice, ParticipantSpec.Agent("bot"));
        await _host.WhenFlowsIdleAsync(Timeout());

        var reply = (await _host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Single();
        reply.SenderId.Should().Be("bot");
        reply.Text.Should().Be("Thinking about it.");
        reply.Status.Should().Be(MessageStatus.Complete);
        await _host.Events.WaitForAsync<MessageUpdatedEvent>(cancellationToken: Timeout());
        _host.Events.GetSnapshot().OfType<MessageDeltaEvent>().Select(d => d.Delta).Should().Equal("Thinking", " about", " it.");
    }

    private static async IAsyncEnumerable<string> ChunksThenThrow()
    {
        yield return "partial ";
        await Task.Yield();
        yield return "answer";
        throw new InvalidOperationException("model went away");
    }

    private static async IAsyncEnumerable<string> ChunksThenCancel(CancellationTokenSource cancel, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return "first ";
        await cancel.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        yield return "never";
    }

    private async Task WaitForSubscriberAsync(Conversation conversation)
    {
        // The subscription exists once the bus has a subscriber for the room; poll the bus, not the clock.
        var bus = (InMemoryEventBus)_host.Services.GetRequiredService<Transport.ConversationEventBus>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (bus.SubscriptionCount < 3) // the host's event collector, the engine's own listener, and this subscriber
        {
            await Task.Yield();
            timeout.Token.ThrowIfCancellationRequested();
        }

        _ = conversation;
    }
}
