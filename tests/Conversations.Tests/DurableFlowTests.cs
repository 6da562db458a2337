using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Conversations.Storage;
using Conversations.Testing;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>Triggers that outlive a run, replies that are posted once however often a run is retried, and engines that share a store and a bus.</summary>
public sealed class DurableFlowTests
{
    private static readonly Account Alice = Account.User("alice");

    [Fact]
    public async Task Invariant7_RetriedRun_GetsItsEarlierRepliesBack_AndPostsEachReplyOnce()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var chunksRead = 0;
        host.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is null)
            {
                return;
            }

            var first = await context.ReplyAsync("first reply", ct);
            var second = await context.StreamReplyAsync(CountedChunks(() => Interlocked.Increment(ref chunksRead), "streamed", " reply"), cancellationToken: ct);
            if (context.Trigger.Attempt == 1)
            {
                throw new InvalidOperationException("crash after the replies");
            }

            (first.Text, second.Text).Should().Be(("first reply", "streamed reply"));
            await context.ReplyAsync("third reply, only on the retry", ct);
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        var question = await host.Messages.PostTextAsync(Alice, conversation.Id, "question");
        await host.WhenFlowsIdleAsync(Timeout());
        host.Time.Advance(TimeSpan.FromSeconds(3));
        await host.WhenFlowsIdleAsync(Timeout());

        var replies = (await host.Messages.GetHistoryAsync(Alice, conversation.Id)).Messages.Where(m => m.SenderId == "bot").ToArray();
        replies.Select(m => (m.Text, m.Status, m.ClientMessageId)).Should().Equal(
            ("first reply", MessageStatus.Complete, "flow:1:0"),
            ("streamed reply", MessageStatus.Complete, "flow:1:1"),
            ("third reply, only on the retry", MessageStatus.Complete, "flow:1:2"));
        replies.Should().OnlyContain(m => m.ReplyToId == question.Id && m.ChainDepth == 1);
        chunksRead.Should().Be(2, "the retry got the completed stream back without reading the model's chunks again");
        host.FlowEngine.GetTriggers().Where(t => t.Sequence == 1).Select(t => t.Attempt).Should().Equal(1, 2);
    }

    [Fact]
    public async Task Invariant7_TriggersAreDecidedAtThePost_ByTheParticipantsOfThatMoment()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var (room, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.WhenFlowsIdleAsync(Timeout());

        await host.Messages.PostTextAsync(Alice, conversation.Id, "while the bot listens");
        await host.Participants.UpdateAsync(Alice, room.Id, "bot", new ParticipantUpdate { AutoRespond = false });
        await host.Messages.PostTextAsync(Alice, conversation.Id, "after it stopped listening");
        await host.WhenFlowsIdleAsync(Timeout());

        var triggers = await host.Store.GetTriggersAsync(conversation.Id, Timeout());
        triggers.Select(t => t.Sequence).Should().Equal(0, 1);
    }

    [Fact]
    public async Task OneSourceOfEvents_AnEngineRunsTheFlowsAndHandlersOfPostsMadeOnAnother()
    {
        // Two engines as two hosts: one store, one bus. Only the second runs the agent and has a handler.
        var store = new InMemoryConversationStore();
        var bus = new InMemoryEventBus();
        await using var api = await ConversationsTestHost.StartAsync(b => Share(b, store, bus).Services.RemoveAll<IFlowEngine>());
        await using var worker = await ConversationsTestHost.StartAsync(b => Share(b, store, bus).AddEventHandler<RecordingHandler>());
        worker.FlowEngine.StreamReply("on", " it");
        var recorder = worker.Services.GetServices<IConversationEventHandler>().OfType<RecordingHandler>().Single();

        var (_, conversation) = await RoomWithConversationAsync(api, Alice, ParticipantSpec.Agent("bot"));
        Message last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await api.Messages.PostTextAsync(Alice, conversation.Id, $"m{i}");
        }

        // The worker hears of the posts only through the bus: wait for its flow to reach the last one, then to settle.
        await worker.FlowEngine.WaitForTriggerAsync(t => t.Message?.Id == last.Id, Timeout());
        await worker.WhenFlowsIdleAsync(Timeout());
        var history = (await api.Messages.GetHistoryAsync(Alice, conversation.Id, HistoryQuery.Latest(50))).Messages;
        history.Where(m => m.SenderId == "bot" && m.ReplyToId != null).Should().HaveCount(5).And.OnlyContain(m => m.Text == "on it" && m.Status == MessageStatus.Complete);
        api.FlowEngine.GetTriggers().Should().BeEmpty("an engine without a flow engine leaves triggers to the one that has it");

        await recorder.WaitForSequenceAsync(conversation.Id, history.Max(m => m.LastSequence));
        recorder.LogSequences(conversation.Id).Should().Equal(Sequences(history.Max(m => m.LastSequence)), "handlers get the other engine's log events once, in order");
    }

    /// <summary>
    /// Engines publish on their own: here the worker's reply reaches the bus before the post it answers, which the engine
    /// that stored it is slow to publish. The worker's handlers still get the conversation's log from its start, each event
    /// once and in order — the post read from the store, its late event skipped.
    /// </summary>
    [Fact]
    public async Task ALogEventOvertakenOnTheBusByAnotherEnginesReply_StillReachesHandlersOnceInOrder()
    {
        var store = new InMemoryConversationStore();
        var bus = new InMemoryEventBus();
        var slowPublisher = new PostHoldingBus(bus);
        await using var api = await ConversationsTestHost.StartAsync(b => Share(b, store, slowPublisher).Services.RemoveAll<IFlowEngine>());
        await using var worker = await ConversationsTestHost.StartAsync(b => Share(b, store, bus).AddEventHandler<RecordingHandler>());
        worker.FlowEngine.OnTrigger(async (context, ct) =>
        {
            if (context.Trigger.Message is not null)
            {
                await context.StreamReplyAsync(new[] { "on", " it" }.ToAsyncEnumerable(), cancellationToken: ct);
            }
        });
        var recorder = worker.Services.GetServices<IConversationEventHandler>().OfType<RecordingHandler>().Single();
        var (_, conversation) = await RoomWithConversationAsync(api, Alice, ParticipantSpec.Agent("bot"));

        // The conversation's own trigger runs first (its lane would hold the post's trigger back until the poll after it).
        await worker.FlowEngine.WaitForTriggerAsync(t => t.Conversation.Id == conversation.Id && t.Message is null, Timeout());
        await worker.WhenFlowsIdleAsync(Timeout());

        // The post's event is held on its way to the bus; the worker finds the trigger in the store at its next poll.
        var question = await api.Messages.PostTextAsync(Alice, conversation.Id, "question");
        worker.Time.Advance(worker.Services.GetRequiredService<IOptions<ConversationsOptions>>().Value.PollInterval);
        await worker.FlowEngine.WaitForTriggerAsync(t => t.Message?.Id == question.Id, Timeout());
        await worker.WhenFlowsIdleAsync(Timeout());
        var answered = await LastSequenceAsync(api, conversation.Id);
        await recorder.WaitForSequenceAsync(conversation.Id, answered);
        recorder.LogSequences(conversation.Id).Should().Equal(Sequences(answered), "the reply's events opened a gap that was read from the store");

        // The held event arrives now, late; a second exchange follows it through the bus.
        slowPublisher.HeldCount.Should().Be(1);
        await slowPublisher.ReleaseAsync().WaitAsync(Timeout());
        var again = await api.Messages.PostTextAsync(Alice, conversation.Id, "again");
        await worker.FlowEngine.WaitForTriggerAsync(t => t.Message?.Id == again.Id, Timeout());
        await worker.WhenFlowsIdleAsync(Timeout());
        var last = await LastSequenceAsync(api, conversation.Id);
        await recorder.WaitForSequenceAsync(conversation.Id, last);
        recorder.LogSequences(conversation.Id).Should().Equal(Sequences(last), "the late event was skipped: its entry was handled already");
    }

    /// <summary>
    /// A handler slower than the posts loses log events from its full queue; once the queue empties it reads them from
    /// the store, without waiting for another event, so it still gets each once, in order.
    /// </summary>
    [Fact]
    public async Task AHandlerBehindAFullQueue_GetsTheDroppedLogEventsFromTheStore_OnceInOrder()
    {
        // No other test fills a handler queue (the default holds 10,000 events), so any drop counted is this test's.
        var dropped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ConversationsDiagnostics.MeterName && instrument.Name == ConversationsDiagnostics.HandlerEventsDropped)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        meters.SetMeasurementEventCallback<long>((_, _, _, _) => dropped.TrySetResult());
        meters.Start();
        await using var host = await ConversationsTestHost.StartAsync(b =>
            b.AddEventHandler<RecordingHandler>().Services.Configure<ConversationsOptions>(o => o.EventHandlerQueueCapacity = 2));
        var recorder = host.Services.GetServices<IConversationEventHandler>().OfType<RecordingHandler>().Single();
        var gate = recorder.Hold();
        var (_, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"));
        for (var i = 0; i < 20; i++)
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, $"while the handler is stuck {i}");
        }

        await dropped.Task.WaitAsync(Timeout());
        gate.SetResult();
        var stuck = await LastSequenceAsync(host, conversation.Id);
        await recorder.WaitForSequenceAsync(conversation.Id, stuck);
        recorder.LogSequences(conversation.Id).Should().Equal(Sequences(stuck), "the dropped events were read from the store once the queue emptied");

        await host.Messages.PostTextAsync(Alice, conversation.Id, "after it caught up");
        var last = await LastSequenceAsync(host, conversation.Id);
        await recorder.WaitForSequenceAsync(conversation.Id, last);
        recorder.LogSequences(conversation.Id).Should().Equal(Sequences(last), "each entry once");
    }

    /// <summary>
    /// When the engine's bus subscription overflows, the marker does not say which conversations lost events: the
    /// handlers read every conversation they follow from the store, without waiting for its next event.
    /// </summary>
    [Fact]
    public async Task AfterTheBusOverflows_HandlersReadEachFollowedConversationFromTheStore_OnceInOrder()
    {
        var bus = new LossyBus();
        await using var host = await ConversationsTestHost.StartAsync(b => Share(b, new InMemoryConversationStore(), bus).AddEventHandler<RecordingHandler>());
        var recorder = host.Services.GetServices<IConversationEventHandler>().OfType<RecordingHandler>().Single();
        var (_, first) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"));
        var (_, second) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("carol"));
        foreach (var conversation in new[] { first, second })
        {
            await host.Messages.PostTextAsync(Alice, conversation.Id, "heard");
            await recorder.WaitForSequenceAsync(conversation.Id, 1);
        }

        bus.Losing = true;
        for (var i = 0; i < 3; i++)
        {
            await host.Messages.PostTextAsync(Alice, first.Id, $"lost {i}");
            await host.Messages.PostTextAsync(Alice, second.Id, $"lost {i}");
        }

        bus.Overflow();
        foreach (var conversation in new[] { first, second })
        {
            var last = await LastSequenceAsync(host, conversation.Id);
            last.Should().Be(4);
            await recorder.WaitForSequenceAsync(conversation.Id, last);
            recorder.LogSequences(conversation.Id).Should().Equal(Sequences(last));
        }
    }

    /// <summary>
    /// Authorization is cached per engine, but a removal made on another engine reaches it over the bus: the removed
    /// participant's next posts there are refused without waiting for the cache to expire.
    /// </summary>
    [Fact]
    public async Task ARemovalOnOneEngine_EndsTheCachedParticipationOnAnother()
    {
        var store = new InMemoryConversationStore();
        var bus = new InMemoryEventBus();
        await using var first = await ConversationsTestHost.StartAsync(b => Share(b, store, bus));
        await using var second = await ConversationsTestHost.StartAsync(b =>
            Share(b, store, bus).Services.Configure<ConversationsOptions>(o => o.AuthorizationCacheDuration = TimeSpan.FromHours(1)));
        var bob = Account.User("bob");
        var (room, conversation) = await RoomWithConversationAsync(first, Alice, ParticipantSpec.User("bob"));
        await second.Messages.PostTextAsync(bob, conversation.Id, "cached now");

        await first.Participants.RemoveAsync(Alice, room.Id, "bob");

        // The second engine's fake clock never reaches an hour: only the bus event can end its cached participation.
        var refused = false;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Timeout());
        while (!refused)
        {
            try
            {
                await second.Messages.PostTextAsync(bob, conversation.Id, "still here?", cancellationToken: deadline.Token);
                await Task.Delay(10, deadline.Token);
            }
            catch (ForbiddenException)
            {
                refused = true;
            }
        }

        await FluentActions.Awaiting(() => first.Messages.PostTextAsync(bob, conversation.Id, "here?")).Should().ThrowAsync<ForbiddenException>("the engine that removed bob forgot him at once");
    }

    [Fact]
    public async Task Invariant8_ASubscriberOnAnotherEngine_JoiningMidStream_AssemblesTheExactText()
    {
        var store = new InMemoryConversationStore();
        var bus = new InMemoryEventBus();
        await using var writer = await ConversationsTestHost.StartAsync(b => Share(b, store, bus));
        await using var reader = await ConversationsTestHost.StartAsync(b => Share(b, store, bus).AddEventHandler<DeltaWatcher>());
        var bob = Account.User("bob");
        var (_, conversation) = await RoomWithConversationAsync(writer, Alice, ParticipantSpec.User("bob"));

        var stream = await writer.Messages.BeginStreamAsync(Alice, conversation.Id);
        var words = Enumerable.Range(0, 40).Select(i => $"w{i} ").ToArray();
        foreach (var word in words.Take(17))
        {
            await stream.AppendAsync(word);
        }

        // The reader engine mirrors a delta before its handlers get it: once they have the 17th, the mirror holds 17.
        var watcher = reader.Services.GetServices<IConversationEventHandler>().OfType<DeltaWatcher>().Single();
        await watcher.WaitForAsync(stream.Message.Id, 16).WaitAsync(Timeout());

        var received = new List<ConversationEvent>();
        var joined = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var subscriber = Task.Run(async () =>
        {
            await foreach (var e in reader.Messages.SubscribeAsync(bob, conversation.Id, 0, Timeout()))
            {
                received.Add(e);
                if (e is MessageSnapshotEvent)
                {
                    // The stream goes on only once the subscriber has its snapshot: until then the writer could finish
                    // the stream first, and a subscriber that joins an ended stream gets no snapshot (by design).
                    joined.TrySetResult();
                }

                if (e is MessageUpdatedEvent)
                {
                    return;
                }
            }
        });
        await joined.Task.WaitAsync(Timeout());
        foreach (var word in words.Skip(17))
        {
            await stream.AppendAsync(word);
        }

        await stream.CompleteAsync();
        await subscriber.WaitAsync(Timeout());
        received.OfType<MessageSnapshotEvent>().Should().ContainSingle().Which.DeltaCount.Should().Be(17, "the other engine mirrored the stream from the bus");
        AssembleStrictly(received, stream.Message.Id).Should().Be(string.Concat(words));
    }

    private static async Task<long> LastSequenceAsync(ConversationsTestHost host, string conversationId) =>
        (await host.Messages.GetHistoryAsync(Alice, conversationId, HistoryQuery.Latest(50))).Messages.Max(m => m.LastSequence);

    private static IEnumerable<long> Sequences(long last) => Enumerable.Range(1, (int)last).Select(i => (long)i);

    private static IConversationsBuilder Share(IConversationsBuilder builder, ConversationStore store, ConversationEventBus bus)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        builder.Services.Replace(ServiceDescriptor.Singleton(bus));
        return builder;
    }

    /// <summary>Lets a test wait until the engine's handlers (and so its bus listener before them) got a given delta.</summary>
    private sealed class DeltaWatcher : IConversationEventHandler
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<(string MessageId, int Index), TaskCompletionSource> _seen = [];

        public ValueTask HandleAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            if (conversationEvent is MessageDeltaEvent delta)
            {
                Signal(delta.MessageId, delta.Index).TrySetResult();
            }

            return default;
        }

        public Task WaitForAsync(string messageId, int index) => Signal(messageId, index).Task;

        private TaskCompletionSource Signal(string messageId, int index)
        {
            lock (_gate)
            {
                if (!_seen.TryGetValue((messageId, index), out var signal))
                {
                    signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _seen[(messageId, index)] = signal;
                }

                return signal;
            }
        }
    }

    /// <summary>A bus that holds every posted-message event on its way to another until released, as a slow publisher would.</summary>
    private sealed class PostHoldingBus(ConversationEventBus inner) : ConversationEventBus
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Task> _held = [];

        public int HeldCount
        {
            get
            {
                lock (_held)
                {
                    return _held.Count;
                }
            }
        }

        public override ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            if (conversationEvent is not MessagePostedEvent || _release.Task.IsCompleted)
            {
                return inner.PublishAsync(conversationEvent, cancellationToken);
            }

            var held = PublishLaterAsync(conversationEvent, cancellationToken);
            lock (_held)
            {
                _held.Add(held);
            }

            return new ValueTask(held);
        }

        public override ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken) =>
            inner.SubscribeAsync(filter, capacity, cancellationToken);

        /// <summary>Lets the held events through; completes once each has been published.</summary>
        public Task ReleaseAsync()
        {
            _release.TrySetResult();
            lock (_held)
            {
                return Task.WhenAll(_held);
            }
        }

        private async Task PublishLaterAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            await _release.Task.ConfigureAwait(false);
            await inner.PublishAsync(conversationEvent, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A bus in this process that can lose events, as a subscriber's full buffer would: while <see cref="Losing"/> it
    /// delivers nothing; <see cref="Overflow"/> ends that and hands every subscription the overflow marker.
    /// </summary>
    private sealed class LossyBus : ConversationEventBus
    {
        private readonly List<Subscription> _subscriptions = [];

        public bool Losing { get; set; }

        public void Overflow()
        {
            Losing = false;
            lock (_subscriptions)
            {
                foreach (var subscription in _subscriptions)
                {
                    subscription.Items.Writer.TryWrite(EventBusItem.Overflow);
                }
            }
        }

        public override ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            lock (_subscriptions)
            {
                foreach (var subscription in _subscriptions.Where(s => !Losing && s.Filter.Matches(conversationEvent)))
                {
                    subscription.Items.Writer.TryWrite(new EventBusItem(conversationEvent));
                }
            }

            return default;
        }

        public override ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken)
        {
            var subscription = new Subscription(this, filter);
            lock (_subscriptions)
            {
                _subscriptions.Add(subscription);
            }

            return new(subscription);
        }

        private sealed class Subscription(LossyBus bus, EventBusFilter filter) : EventBusSubscription
        {
            public EventBusFilter Filter { get; } = filter;

            public Channel<EventBusItem> Items { get; } = Channel.CreateUnbounded<EventBusItem>();

            public override ChannelReader<EventBusItem> Reader => Items.Reader;

            protected override void Dispose(bool disposing)
            {
                lock (bus._subscriptions)
                {
                    bus._subscriptions.Remove(this);
                }

                Items.Writer.TryComplete();
            }
        }
    }

    private static async IAsyncEnumerable<string> CountedChunks(Func<int> count, params string[] chunks)
    {
        foreach (var chunk in chunks)
        {
            count();
            await Task.Yield();
            yield return chunk;
        }
    }

    private sealed class RecordingHandler : IConversationEventHandler
    {
        private readonly List<MessageLogEvent> _events = [];
        private readonly List<(string ConversationId, long Sequence, TaskCompletionSource Signal)> _waiters = [];
        private Task _gate = Task.CompletedTask;

        /// <summary>Makes the handler wait, at the next event it gets, until the returned source is completed.</summary>
        public TaskCompletionSource Hold()
        {
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _gate, gate.Task);
            return gate;
        }

        public async ValueTask HandleAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            await Volatile.Read(ref _gate).WaitAsync(cancellationToken);
            if (conversationEvent is MessageLogEvent logged)
            {
                lock (_events)
                {
                    _events.Add(logged);
                    foreach (var waiter in _waiters.Where(w => w.ConversationId == logged.ConversationId && w.Sequence <= logged.Sequence))
                    {
                        waiter.Signal.TrySetResult();
                    }
                }
            }
        }

        public Task WaitForSequenceAsync(string conversationId, long sequence)
        {
            lock (_events)
            {
                if (_events.Any(e => e.ConversationId == conversationId && e.Sequence >= sequence))
                {
                    return Task.CompletedTask;
                }

                var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((conversationId, sequence, signal));
                return signal.Task.WaitAsync(Timeout());
            }
        }

        public long[] LogSequences(string conversationId)
        {
            lock (_events)
            {
                return _events.Where(e => e.ConversationId == conversationId).Select(e => e.Sequence).ToArray();
            }
        }
    }
}
