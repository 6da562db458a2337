// Test code awaited by xunit: ConfigureAwait adds nothing here.
#pragma warning disable CA2007

using Conversations.Transport;
using Xunit;

namespace Conversations.Testing;

/// <summary>
/// The conformance suite every <see cref="ConversationEventBus"/> provider runs: inherit it, return two bus instances on
/// one backplane from <see cref="CreateBusesAsync"/> (an in-process bus returns the same instance twice), and xunit runs
/// every check. It proves what the engine relies on: a subscription is live when <c>SubscribeAsync</c> completes; log
/// events of one conversation reach a subscriber in sequence order, or as catch-up doorbells; filters; a bounded buffer
/// that overflows into one marker and never slows the publisher or other subscribers; and unsubscribing.
/// </summary>
public abstract class EventBusConformanceTests : IAsyncLifetime
{
    private ConversationEventBus? _publisher;
    private ConversationEventBus? _subscriber;

    /// <summary>Gets the instance events are published on.</summary>
    protected ConversationEventBus Publisher => _publisher ?? throw new InvalidOperationException("The buses start in InitializeAsync.");

    /// <summary>Gets the instance subscriptions are opened on (another host, for a network bus).</summary>
    protected ConversationEventBus Subscriber => _subscriber ?? throw new InvalidOperationException("The buses start in InitializeAsync.");

    /// <summary>Gets a token that cancels a test that hangs.</summary>
    protected static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    /// <summary>Creates two bus instances on one backplane, each as a separate host would have it.</summary>
    /// <returns>The publishing and the subscribing instance; the same instance for an in-process bus.</returns>
    protected abstract ValueTask<(ConversationEventBus Publisher, ConversationEventBus Subscriber)> CreateBusesAsync();

    /// <inheritdoc />
    public virtual async Task InitializeAsync() => (_publisher, _subscriber) = await CreateBusesAsync();

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var bus in new[] { _publisher, _subscriber }.Distinct())
        {
            switch (bus)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>An event published after <c>SubscribeAsync</c> completes reaches the subscription.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Subscribe_IsLiveWhenItCompletes()
    {
        using var subscription = await Subscriber.SubscribeAsync(EventBusFilter.All, 100, Timeout);
        await Publisher.PublishAsync(Posted("r1", "c1", 1), Timeout);

        var item = await ReadAsync(subscription);
        Assert.Equal(1, item.Sequence);
        Assert.Equal(("r1", "c1"), (item.RoomId, item.ConversationId));
    }

    /// <summary>Log events of one conversation arrive in sequence order, whole or as catch-up doorbells, up to the last one.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task LogEvents_OfOneConversation_ArriveInOrder()
    {
        using var subscription = await Subscriber.SubscribeAsync(new EventBusFilter { ConversationId = "c1" }, 1_000, Timeout);
        for (var s = 1; s <= 200; s++)
        {
            await Publisher.PublishAsync(Posted("r1", "c1", s), Timeout);
        }

        var seen = new List<long>();
        while (seen.Count == 0 || seen[^1] < 200)
        {
            var item = await ReadAsync(subscription);
            Assert.NotEqual(EventBusItemKind.Overflow, item.Kind);
            if (item.Kind == EventBusItemKind.Event)
            {
                var posted = Assert.IsType<MessagePostedEvent>(item.Event);
                Assert.Equal($"m{item.Sequence}", posted.Message.Id);
            }

            seen.Add(item.Sequence);
        }

        Assert.Equal(seen.Order(), seen);
        Assert.Equal(seen.Distinct().Count(), seen.Count);
    }

    /// <summary>Room and conversation filters deliver only what they name; an empty filter delivers everything.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Filters_DeliverOnlyWhatTheyName()
    {
        using var room = await Subscriber.SubscribeAsync(new EventBusFilter { RoomId = "r1" }, 100, Timeout);
        using var conversation = await Subscriber.SubscribeAsync(new EventBusFilter { ConversationId = "c2" }, 100, Timeout);
        using var all = await Subscriber.SubscribeAsync(EventBusFilter.All, 100, Timeout);

        await Publisher.PublishAsync(Posted("r2", "c3", 1), Timeout);
        await Publisher.PublishAsync(Posted("r1", "c2", 1), Timeout);
        await Publisher.PublishAsync(new ParticipantRemovedEvent { RoomId = "r1", ActorId = "alice", Timestamp = DateTimeOffset.UnixEpoch, AccountId = "bob" }, Timeout);
        await Publisher.PublishAsync(Posted("r2", "c3", 2), Timeout);

        // The last event reaching the catch-all subscription means the others have had their chance too. A bus may hand
        // any subscription an overflow marker at any time (a Redis bus does when its connection comes back), so markers
        // are not counted: filters are about events.
        var everything = new List<EventBusItem>();
        everything.Add(await ReadUntilAsync(all, i => IsEvent(i) && i.ConversationId == "c3" && i.Sequence == 2, everything.Add));
        Assert.True(everything.Count(IsEvent) == 4, $"the catch-all subscription got {Describe(everything)}");

        var inRoom = await ReadEventAsync(room);
        Assert.Equal(("r1", "c2"), (inRoom.RoomId, inRoom.ConversationId));
        Assert.IsType<ParticipantRemovedEvent>((await ReadEventAsync(room)).Event);
        var inConversation = await ReadEventAsync(conversation);
        Assert.Equal(("r1", "c2", 1L), (inConversation.RoomId, inConversation.ConversationId, inConversation.Sequence));
        Assert.False(TryReadEvent(room), "the room subscription saw nothing from another room");
        Assert.False(TryReadEvent(conversation), "the conversation subscription saw nothing else");
    }

    /// <summary>
    /// A subscriber that does not read overflows into one marker and gets items again once it reads; the publisher never
    /// waits for it, and a subscriber that reads gets everything.
    /// </summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Overflow_IsOneMarker_AndNeverSlowsThePublisherOrOthers()
    {
        using var stalled = await Subscriber.SubscribeAsync(EventBusFilter.All, 4, Timeout);
        using var reading = await Subscriber.SubscribeAsync(new EventBusFilter { ConversationId = "c1" }, 1_000, Timeout);
        for (var s = 1; s <= 500; s++)
        {
            await Publisher.PublishAsync(Posted("r1", "c1", s), Timeout);
        }

        Assert.Equal(500, (await ReadUntilAsync(reading, i => i.Sequence == 500)).Sequence);

        var items = new List<EventBusItem>();
        var marker = await ReadUntilAsync(stalled, i => i.IsOverflow, items.Add);
        Assert.True(marker.IsOverflow);
        Assert.True(items.Count <= 4, $"the stalled subscription buffered {items.Count} items over its capacity of 4");
        Assert.DoesNotContain(items, i => i.IsOverflow);

        await Publisher.PublishAsync(Posted("r1", "c1", 501), Timeout);
        var after = await ReadUntilAsync(stalled, i => !i.IsOverflow && i.Sequence >= 501);
        Assert.Equal(501, after.Sequence);
    }

    /// <summary>Live events (deltas, typing) reach subscribers with their content.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task LiveEvents_ArriveWithTheirContent()
    {
        using var subscription = await Subscriber.SubscribeAsync(new EventBusFilter { ConversationId = "c1" }, 100, Timeout);
        await Publisher.PublishAsync(new MessageDeltaEvent { RoomId = "r1", ConversationId = "c1", ActorId = "bot", Timestamp = DateTimeOffset.UnixEpoch, MessageId = "m1", MessageSequence = 1, Index = 3, Delta = "wor" }, Timeout);
        await Publisher.PublishAsync(new TypingEvent { RoomId = "r1", ConversationId = "c1", ActorId = "bob", Timestamp = DateTimeOffset.UnixEpoch, IsTyping = true }, Timeout);

        var delta = Assert.IsType<MessageDeltaEvent>((await ReadAsync(subscription)).Event);
        Assert.Equal(("m1", 3, "wor", "bot"), (delta.MessageId, delta.Index, delta.Delta, delta.ActorId));
        var typing = Assert.IsType<TypingEvent>((await ReadAsync(subscription)).Event);
        Assert.Equal(("bob", true), (typing.ActorId, typing.IsTyping));
    }

    /// <summary>Disposing a subscription completes its reader; publishing afterwards still works.</summary>
    /// <returns>A task for the test.</returns>
    [Fact]
    public async Task Unsubscribe_CompletesTheReader()
    {
        var subscription = await Subscriber.SubscribeAsync(EventBusFilter.All, 100, Timeout);
        subscription.Dispose();
        await subscription.Reader.Completion.WaitAsync(Timeout);
        await Publisher.PublishAsync(Posted("r1", "c1", 1), Timeout);
        Assert.False(subscription.Reader.TryRead(out _));
        subscription.Dispose();
    }

    /// <summary>Makes a posted-message log event.</summary>
    /// <param name="roomId">The room.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="sequence">The sequence.</param>
    /// <returns>The event.</returns>
    protected static MessagePostedEvent Posted(string roomId, string conversationId, long sequence) => new()
    {
        RoomId = roomId,
        ConversationId = conversationId,
        ActorId = "alice",
        Timestamp = DateTimeOffset.UnixEpoch,
        Sequence = sequence,
        Message = new Message
        {
            Id = $"m{sequence}",
            RoomId = roomId,
            ConversationId = conversationId,
            Sequence = sequence,
            LastSequence = sequence,
            SenderId = "alice",
            SenderKind = AccountKind.User,
            Text = $"text {sequence}",
            CreatedAt = DateTimeOffset.UnixEpoch,
        },
    };

    private static async Task<EventBusItem> ReadAsync(EventBusSubscription subscription)
    {
        var token = Timeout;
        while (true)
        {
            if (subscription.Reader.TryRead(out var item))
            {
                return item;
            }

            Assert.True(await subscription.Reader.WaitToReadAsync(token), "the subscription ended");
        }
    }

    private static bool IsEvent(EventBusItem item) => item.Kind == EventBusItemKind.Event;

    private static string Describe(IEnumerable<EventBusItem> items) =>
        string.Join(", ", items.Select(i => i.Kind == EventBusItemKind.Event ? $"{i.Event!.Type.Value} {i.ConversationId}/{i.Sequence}" : i.Kind.ToString()));

    /// <summary>Reads the next event, passing over overflow markers and catch-up doorbells.</summary>
    private static Task<EventBusItem> ReadEventAsync(EventBusSubscription subscription) => ReadUntilAsync(subscription, IsEvent);

    /// <summary>Whether an event is waiting (markers and doorbells passed over).</summary>
    private static bool TryReadEvent(EventBusSubscription subscription)
    {
        while (subscription.Reader.TryRead(out var item))
        {
            if (IsEvent(item))
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<EventBusItem> ReadUntilAsync(EventBusSubscription subscription, Func<EventBusItem, bool> done, Action<EventBusItem>? before = null)
    {
        while (true)
        {
            var item = await ReadAsync(subscription);
            if (done(item))
            {
                return item;
            }

            before?.Invoke(item);
        }
    }
}
