using System.Threading.Channels;
using Conversations.Storage;
using Conversations.Testing;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>The account inbox: rooms by activity, previews, unread counts after the read marker, and a resumable subscription.</summary>
public sealed class InboxTests
{
    private static readonly Account Alice = Account.User("alice");
    private static readonly Account Bob = Account.User("bob");

    [Fact]
    public async Task GetInbox_OrdersRoomsByActivity_WithPreviewUnreadCountAndReadPosition_InPages()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Configure<ConversationsOptions>(o => o.InboxPreviewLength = 10));
        var (first, c1) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        var (second, c2) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        var (third, _) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        await host.Messages.PostTextAsync(Bob, c2.Id, "older news");
        var latest = await host.Messages.PostTextAsync(Bob, c1.Id, "the newest message of all");
        await host.Messages.PostTextAsync(Alice, c1.Id, "mine");
        await host.Messages.PostTextAsync(Bob, c1.Id, "and one more");

        var page = await host.Rooms.GetInboxAsync(Alice, new InboxQuery { Limit = 2 });
        page.Entries.Select(e => e.Room.Id).Should().Equal(first.Id, second.Id);
        page.HasMore.Should().BeTrue();
        var top = page.Entries[0];
        top.UnreadCount.Should().Be(2, "bob's two messages; her own does not count");
        top.LastMessage!.Text.Should().Be("and one mo");
        top.LastMessage.IsTruncated.Should().BeTrue();
        top.Conversations.Should().ContainSingle().Which.Should().BeEquivalentTo(new { ConversationId = c1.Id, ReadSequence = 0L, UnreadCount = 2L, LastSequence = 3L });

        var rest = await host.Rooms.GetInboxAsync(Alice, new InboxQuery { Limit = 2, Cursor = page.NextCursor });
        rest.Entries.Select(e => e.Room.Id).Should().Equal(third.Id);
        rest.HasMore.Should().BeFalse();
        rest.NextCursor.Should().BeNull();
        rest.Entries[0].LastMessage.Should().BeNull();
        rest.Entries[0].LastActivityAt.Should().Be(rest.Entries[0].Conversations[0].LastActivityAt, "an empty room is as recent as its newest conversation");

        await host.Conversations.MarkReadAsync(Alice, c1.Id, latest.Sequence);
        var after = (await host.Rooms.GetInboxAsync(Alice)).Entries[0];
        after.UnreadCount.Should().Be(1);
        after.Conversations[0].ReadSequence.Should().Be(latest.Sequence);
        after.Version.Should().BeGreaterThan(top.Version);
    }

    [Fact]
    public async Task GetInbox_RefusesBadInput_AndChangesNothing()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        await RoomWithConversationAsync(host, Alice);

        await FluentActions.Awaiting(() => host.Rooms.GetInboxAsync(Account.System)).Should().ThrowAsync<InvalidArgumentException>();
        await FluentActions.Awaiting(() => host.Rooms.GetInboxAsync(Alice, new InboxQuery { Limit = 0 })).Should().ThrowAsync<InvalidArgumentException>();
        await FluentActions.Awaiting(() => host.Rooms.GetInboxAsync(Alice, new InboxQuery { Limit = 10_000 })).Should().ThrowAsync<InvalidArgumentException>();
        foreach (var cursor in new[] { "", "x", "12", ":room", "-5:room", "12:", "abc:room" })
        {
            await FluentActions.Awaiting(() => host.Rooms.GetInboxAsync(Alice, new InboxQuery { Cursor = cursor })).Should().ThrowAsync<InvalidArgumentException>(cursor);
        }

        await FluentActions.Awaiting(() => host.Rooms.GetInboxAsync(null!)).Should().ThrowAsync<ArgumentNullException>();
        FluentActions.Invoking(() => host.Rooms.SubscribeInboxAsync(Account.System)).Should().Throw<InvalidArgumentException>("refused at the call, before anything is read");
        FluentActions.Invoking(() => host.Rooms.SubscribeInboxAsync(Alice, new Dictionary<string, long> { ["r"] = -1 })).Should().Throw<InvalidArgumentException>();
        FluentActions.Invoking(() => host.Rooms.SubscribeInboxAsync(Alice, new Dictionary<string, long> { ["bad\nid"] = 1 })).Should().Throw<InvalidArgumentException>();
        var tooMany = Enumerable.Range(0, 10_001).ToDictionary(i => "r" + i, _ => 1L);
        FluentActions.Invoking(() => host.Rooms.SubscribeInboxAsync(Alice, tooMany)).Should().Throw<LimitExceededException>();
        (await host.Rooms.GetInboxAsync(Alice)).Entries.Should().ContainSingle();
    }

    [Fact]
    public async Task Subscribe_ReportsRoomsAddedUpdatedAndRemoved_AsTheyHappen()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var (own, _) = await RoomWithConversationAsync(host, Alice);
        await using var inbox = InboxReader.Start(host.Rooms, Alice);
        var initial = await inbox.NextAsync<InboxRoomAddedEvent>();
        initial.RoomId.Should().Be(own.Id);

        var (shared, conversation) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        (await inbox.NextAsync<InboxRoomAddedEvent>()).RoomId.Should().Be(shared.Id);

        var posted = await host.Messages.PostTextAsync(Bob, conversation.Id, "are you there?");
        var unread = await inbox.NextUpdateAsync(shared.Id, e => e.UnreadCount == 1);
        unread.LastMessage!.Text.Should().Be("are you there?");
        unread.LastMessage.SenderId.Should().Be("bob");

        await host.Conversations.MarkReadAsync(Alice, conversation.Id, posted.Sequence);
        (await inbox.NextUpdateAsync(shared.Id, e => e.UnreadCount == 0)).Conversations[0].ReadSequence.Should().Be(posted.Sequence);

        await host.Messages.EditAsync(Bob, conversation.Id, posted.Id, new EditMessageRequest { Text = "are you still there?" });
        var edited = await inbox.NextUpdateAsync(shared.Id, e => e.LastMessage!.EditedAt is not null);
        edited.UnreadCount.Should().Be(0, "an edit is not a new message");
        edited.LastMessage!.Text.Should().Be("are you still there?");

        await host.Messages.DeleteAsync(Bob, conversation.Id, posted.Id);
        (await inbox.NextUpdateAsync(shared.Id, e => e.LastMessage!.DeletedAt is not null)).UnreadCount.Should().Be(0);

        await host.Participants.RemoveAsync(Bob, shared.Id, "alice");
        (await inbox.NextAsync<InboxRoomRemovedEvent>()).RoomId.Should().Be(shared.Id);

        await host.Messages.PostTextAsync(Bob, conversation.Id, "after she left");
        await host.Participants.AddAsync(Bob, shared.Id, ParticipantSpec.User("alice"));
        var back = await inbox.NextAsync<InboxRoomAddedEvent>();
        back.Entry.UnreadCount.Should().Be(1, "the message posted while she was away is unread");
        inbox.Received.OfType<InboxRoomUpdatedEvent>().Should().OnlyContain(e => e.RoomId == shared.Id, "nothing happened in her own room");
    }

    [Fact]
    public async Task UnreadCounts_StayExact_UnderConcurrentPostsAndEdits()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var carol = Account.User("carol");
        var (room, conversation) = await RoomWithConversationAsync(host, Alice, ParticipantSpec.User("bob"), ParticipantSpec.User("carol"));
        var carolsFirst = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => host.Messages.PostTextAsync(carol, conversation.Id, $"carol {i}")));
        await using var inbox = InboxReader.Start(host.Rooms, Alice);
        (await inbox.NextAsync<InboxRoomAddedEvent>()).Entry.UnreadCount.Should().Be(10);

        // Bob posts 40 while carol edits each of hers twice and alice posts 10 of her own, all at once.
        var posts = Enumerable.Range(0, 40).Select(i => (Task)host.Messages.PostTextAsync(Bob, conversation.Id, $"bob {i}"));
        var edits = carolsFirst.Select(m => (Task)Task.Run(async () =>
        {
            await host.Messages.EditAsync(carol, conversation.Id, m.Id, new EditMessageRequest { Text = m.Text + " (1)" });
            await host.Messages.EditAsync(carol, conversation.Id, m.Id, new EditMessageRequest { Text = m.Text + " (2)" });
        }));
        var own = Enumerable.Range(0, 10).Select(i => (Task)host.Messages.PostTextAsync(Alice, conversation.Id, $"alice {i}"));
        await Task.WhenAll(posts.Concat(edits).Concat(own));

        var final = (await host.Rooms.GetInboxAsync(Alice)).Entries.Single();
        final.UnreadCount.Should().Be(50, "10 from carol and 40 from bob; edits and her own posts are not unread");
        final.Conversations[0].LastSequence.Should().Be(10 + 40 + 20 + 10);
        var last = await inbox.NextUpdateAsync(room.Id, e => e.Version == final.Version);
        last.UnreadCount.Should().Be(50);
        inbox.Received.OfType<InboxRoomUpdatedEvent>().Select(e => e.Entry.Version).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems("a room's versions only grow, and an unchanged room is never sent again");
        inbox.Received.OfType<InboxRoomUpdatedEvent>().Select(e => e.Entry.UnreadCount).Should().BeInAscendingOrder("nobody read anything meanwhile");
    }

    [Fact]
    public async Task Subscribe_AfterACut_ResumesFromKnownVersions_WithExactlyWhatChanged()
    {
        await using var host = await ConversationsTestHost.StartAsync();
        var (quiet, _) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        var (busy, busyConversation) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        var (leaving, _) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        Dictionary<string, long> known;
        await using (var first = InboxReader.Start(host.Rooms, Alice))
        {
            var added = new[] { await first.NextAsync<InboxRoomAddedEvent>(), await first.NextAsync<InboxRoomAddedEvent>(), await first.NextAsync<InboxRoomAddedEvent>() };
            known = added.ToDictionary(e => e.RoomId, e => e.Entry.Version);
        }

        // While she is away: a post in one room, a new room, and she is removed from a third.
        await host.Messages.PostTextAsync(Bob, busyConversation.Id, "while you were away");
        var (fresh, _) = await RoomWithConversationAsync(host, Bob, ParticipantSpec.User("alice"));
        await host.Participants.RemoveAsync(Bob, leaving.Id, "alice");

        await using var resumed = InboxReader.Start(host.Rooms, Alice, known);
        var changes = new[] { await resumed.NextAsync(), await resumed.NextAsync(), await resumed.NextAsync() };
        changes.OfType<InboxRoomAddedEvent>().Should().ContainSingle().Which.RoomId.Should().Be(fresh.Id);
        changes.OfType<InboxRoomUpdatedEvent>().Should().ContainSingle().Which.Entry.Should().Match<InboxEntry>(e => e.Room.Id == busy.Id && e.UnreadCount == 1);
        changes.OfType<InboxRoomRemovedEvent>().Should().ContainSingle().Which.RoomId.Should().Be(leaving.Id);

        // Nothing more: the quiet room was known at its current version. A marker event proves the reader is caught up.
        await host.Messages.PostTextAsync(Bob, busyConversation.Id, "marker");
        (await resumed.NextAsync()).Should().BeOfType<InboxRoomUpdatedEvent>().Which.RoomId.Should().Be(busy.Id);
        resumed.Received.Should().NotContain(e => e.RoomId == quiet.Id);
    }

    [Fact]
    public async Task Subscribe_OnAnotherEngine_SeesPostsMadeOnTheFirst()
    {
        var store = new InMemoryConversationStore();
        var bus = new InMemoryEventBus();
        await using var api = await ConversationsTestHost.StartAsync(b => Share(b, store, bus));
        await using var other = await ConversationsTestHost.StartAsync(b => Share(b, store, bus));
        await using var inbox = InboxReader.Start(other.Rooms, Alice);

        var (room, conversation) = await RoomWithConversationAsync(api, Bob, ParticipantSpec.User("alice"));
        (await inbox.NextAsync<InboxRoomAddedEvent>()).RoomId.Should().Be(room.Id);
        await api.Messages.PostTextAsync(Bob, conversation.Id, "from the first engine");
        (await inbox.NextUpdateAsync(room.Id, e => e.UnreadCount == 1)).LastMessage!.Text.Should().Be("from the first engine");
    }

    private static IConversationsBuilder Share(IConversationsBuilder builder, ConversationStore store, ConversationEventBus bus)
    {
        builder.Services.Replace(ServiceDescriptor.Singleton(store));
        builder.Services.Replace(ServiceDescriptor.Singleton(bus));
        return builder;
    }

    /// <summary>Reads an inbox subscription on a background task into a queue the test awaits.</summary>
    private sealed class InboxReader : IAsyncDisposable
    {
        private readonly Channel<InboxEvent> _events = Channel.CreateUnbounded<InboxEvent>();
        private readonly List<InboxEvent> _received = [];
        private readonly CancellationTokenSource _stop = new();
        private Task _pump = Task.CompletedTask;

        public IReadOnlyList<InboxEvent> Received
        {
            get
            {
                lock (_received)
                {
                    return [.. _received];
                }
            }
        }

        public static InboxReader Start(IRoomService rooms, Account caller, IReadOnlyDictionary<string, long>? known = null)
        {
            var reader = new InboxReader();
            var events = rooms.SubscribeInboxAsync(caller, known, reader._stop.Token);
            reader._pump = Task.Run(async () =>
            {
                await foreach (var e in events)
                {
                    lock (reader._received)
                    {
                        reader._received.Add(e);
                    }

                    reader._events.Writer.TryWrite(e);
                }
            });
            return reader;
        }

        public async Task<InboxEvent> NextAsync() => await _events.Reader.ReadAsync(Timeout(20));

        public async Task<T> NextAsync<T>()
            where T : InboxEvent
        {
            var e = await NextAsync();
            return e.Should().BeOfType<T>().Subject;
        }

        /// <summary>Reads updates of one room until one matches.</summary>
        public async Task<InboxEntry> NextUpdateAsync(string roomId, Func<InboxEntry, bool> predicate)
        {
            while (true)
            {
                var e = await NextAsync();
                if (e is InboxRoomUpdatedEvent updated && updated.RoomId == roomId && predicate(updated.Entry))
                {
                    return updated.Entry;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _pump.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _stop.Dispose();
        }
    }
}
