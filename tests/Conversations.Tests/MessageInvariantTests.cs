using Conversations.Testing;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

public sealed class MessageInvariantTests : IAsyncLifetime
{
    private ConversationsTestHost _host = null!;

    public async Task InitializeAsync() => _host = await ConversationsTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invariant1_ThousandConcurrentPostsFromFiftySenders_GetSequencesOneToThousand()
    {
        var senders = Enumerable.Range(0, 50).Select(i => ParticipantSpec.User($"user{i}")).ToArray();
        var (_, conversation) = await RoomWithConversationAsync(_host, Account.User("owner"), senders);

        var posts = await Task.WhenAll(Enumerable.Range(0, 50).Select(s => Task.Run(async () =>
        {
            var mine = new List<Message>();
            for (var i = 0; i < 20; i++)
            {
                mine.Add(await _host.Messages.PostTextAsync(Account.User($"user{s}"), conversation.Id, $"{s}:{i}"));
            }

            return mine;
        })));

        var sequences = posts.SelectMany(p => p).Select(m => m.Sequence).Order().ToArray();
        sequences.Should().Equal(Enumerable.Range(1, 1000).Select(i => (long)i));

        // Each sender's own posts are ordered as it made them.
        foreach (var mine in posts)
        {
            mine.Select(m => m.Sequence).Should().BeInAscendingOrder();
        }

        var history = await _host.Messages.ReadAllAsync(Account.User("owner"), conversation.Id).ToListAsync();
        history.Select(m => m.Sequence).Should().Equal(Enumerable.Range(1, 1000).Select(i => (long)i));
    }

    [Fact]
    public async Task Invariant1_LiveEventsOfOneConversation_ArePublishedInSequenceOrder()
    {
        var (_, conversation) = await RoomWithConversationAsync(_host, Account.User("owner"), ParticipantSpec.User("a"), ParticipantSpec.User("b"));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                await _host.Messages.PostTextAsync(Account.User(t % 2 == 0 ? "a" : "b"), conversation.Id, $"{t}:{i}");
            }
        })));

        await _host.Events.WaitForAsync<MessagePostedEvent>(e => e.Sequence == 400, Timeout());
        var published = _host.Events.GetSnapshot().OfType<MessagePostedEvent>().Select(e => e.Sequence).ToArray();
        published.Should().Equal(Enumerable.Range(1, 400).Select(i => (long)i));
    }

    [Fact]
    public async Task Invariant2_RetriedPost_ReturnsOriginalAndPublishesNothing()
    {
        var alice = Account.User("alice");
        var (_, conversation) = await RoomWithConversationAsync(_host, alice);
        var first = await _host.Messages.PostTextAsync(alice, conversation.Id, "hi", clientMessageId: "c1");
        var retried = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => _host.Messages.PostTextAsync(alice, conversation.Id, "hi", clientMessageId: "c1"))));
        var marker = await _host.Messages.PostTextAsync(alice, conversation.Id, "after");

        retried.Should().OnlyContain(m => m.Id == first.Id && m.Sequence == 1);
        marker.Sequence.Should().Be(2);
        await _host.Events.WaitForAsync<MessagePostedEvent>(e => e.Sequence == 2, Timeout());
        await FlushEventsAsync(_host);
        _host.Events.GetSnapshot().OfType<MessagePostedEvent>().Should().HaveCount(2);
    }

    [Fact]
    public async Task Invariant5_StalledSubscriberResumes_SeesTenThousandOnceInOrder_WhileLiveSubscriberKeepsUp()
    {
        var alice = Account.User("alice");
        var (_, conversation) = await RoomWithConversationAsync(_host, alice, ParticipantSpec.User("bob"));
        await _host.Messages.PostTextAsync(alice, conversation.Id, "first");

        // The stalled subscriber takes one event, which opens its subscription, then stops reading.
        await using var stalled = _host.Messages.SubscribeAsync(alice, conversation.Id, 0, Timeout(120)).GetAsyncEnumerator();
        (await stalled.MoveNextAsync()).Should().BeTrue();
        ((MessageLogEvent)stalled.Current).Sequence.Should().Be(1);

        const long Last = 10_001;
        var live = Task.Run(async () =>
        {
            var seen = new List<long>();
            await foreach (var e in _host.Messages.SubscribeAsync(Account.User("bob"), conversation.Id, 1, Timeout(120)))
            {
                if (e is MessageLogEvent logged)
                {
                    seen.Add(logged.Sequence);
                    if (logged.Sequence == Last)
                    {
                        break;
                    }
                }
            }

            return seen;
        });

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 2_500; i++)
            {
                await _host.Messages.PostTextAsync(alice, conversation.Id, $"{t}:{i}");
            }
        })));

        var resumed = new List<long> { 1 };
        while (resumed[^1] < Last && await stalled.MoveNextAsync())
        {
            if (stalled.Current is MessageLogEvent logged)
            {
                resumed.Add(logged.Sequence);
            }
        }

        var expected = Enumerable.Range(1, (int)Last).Select(i => (long)i);
        resumed.Should().Equal(expected);
        (await live).Should().Equal(expected.Skip(1));
    }

    [Fact]
    public async Task Invariant5_SubscribeAfterSequence_CatchesUpThenContinuesLive()
    {
        var alice = Account.User("alice");
        var (_, conversation) = await RoomWithConversationAsync(_host, alice);
        var first = await _host.Messages.PostTextAsync(alice, conversation.Id, "one");
        await _host.Messages.PostTextAsync(alice, conversation.Id, "two");
        await _host.Messages.EditAsync(alice, conversation.Id, first.Id, new EditMessageRequest { Text = "one!" });

        var received = new List<ConversationEvent>();
        await foreach (var e in _host.Messages.SubscribeAsync(alice, conversation.Id, 1, Timeout()))
        {
            received.Add(e);
            if (received.Count == 2)
            {
                await _host.Messages.PostTextAsync(alice, conversation.Id, "three");
            }

            if (e is MessageLogEvent { Sequence: 4 })
            {
                break;
            }
        }

        received.Select(e => e.Type).Should().Equal(ConversationEventType.MessagePosted, ConversationEventType.MessageUpdated, ConversationEventType.MessagePosted);
        received.Cast<MessageLogEvent>().Select(e => e.Sequence).Should().Equal(2, 3, 4);
        ((MessageLogEvent)received[1]).Message.Text.Should().Be("one!");
    }

    [Fact]
    public async Task Invariant5_SubscriberRemovedFromRoom_StopsReceiving()
    {
        var alice = Account.User("alice");
        var (room, conversation) = await RoomWithConversationAsync(_host, alice, ParticipantSpec.User("bob"));
        var bob = Account.User("bob");
        await _host.Messages.PostTextAsync(alice, conversation.Id, "before");

        // Reading the first event proves the subscription is open before bob is removed.
        await using var subscription = _host.Messages.SubscribeAsync(bob, conversation.Id, 0, Timeout()).GetAsyncEnumerator();
        (await subscription.MoveNextAsync()).Should().BeTrue();
        await _host.Participants.RemoveAsync(alice, room.Id, "bob");
        await _host.Messages.PostTextAsync(alice, conversation.Id, "after bob left");

        (await subscription.MoveNextAsync()).Should().BeFalse("the subscription ends when its subscriber leaves the room");
        await FluentActions.Awaiting(() => _host.Messages.SubscribeAsync(bob, conversation.Id).ToListAsync().AsTask())
            .Should().ThrowAsync<ForbiddenException>();
    }

    [Fact]
    public async Task History_PagesBackwardAndForward_WithHasMore()
    {
        var alice = Account.User("alice");
        var (_, conversation) = await RoomWithConversationAsync(_host, alice);
        for (var i = 1; i <= 25; i++)
        {
            await _host.Messages.PostTextAsync(alice, conversation.Id, $"m{i}");
        }

        var latest = await _host.Messages.GetHistoryAsync(alice, conversation.Id, HistoryQuery.Latest(10));
        latest.Messages.Select(m => m.Sequence).Should().Equal(Enumerable.Range(16, 10).Select(i => (long)i));
        latest.HasMore.Should().BeTrue();

        var older = await _host.Messages.GetHistoryAsync(alice, conversation.Id, new HistoryQuery { Before = 16, Limit = 10 });
        older.Messages.Select(m => m.Sequence).Should().Equal(Enumerable.Range(6, 10).Select(i => (long)i));
        older.HasMore.Should().BeTrue();

        var oldest = await _host.Messages.GetHistoryAsync(alice, conversation.Id, new HistoryQuery { Before = 6, Limit = 10 });
        oldest.Messages.Select(m => m.Sequence).Should().Equal(1, 2, 3, 4, 5);
        oldest.HasMore.Should().BeFalse();

        var newer = await _host.Messages.GetHistoryAsync(alice, conversation.Id, new HistoryQuery { After = 20, Limit = 10 });
        newer.Messages.Select(m => m.Sequence).Should().Equal(21, 22, 23, 24, 25);
        newer.HasMore.Should().BeFalse();
    }
}
