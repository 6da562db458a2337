using Conversations.Testing;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

public sealed class RoomAndAccessTests : IAsyncLifetime
{
    private static readonly Account Owner = Account.User("owner");
    private static readonly Account Admin = Account.User("admin");
    private static readonly Account Member = Account.User("member");
    private static readonly Account Observer = Account.User("observer");
    private static readonly Account Stranger = Account.User("stranger");
    private ConversationsTestHost _host = null!;
    private Room _room = null!;
    private Conversation _conversation = null!;

    public async Task InitializeAsync()
    {
        _host = await ConversationsTestHost.StartAsync();
        (_room, _conversation) = await RoomWithConversationAsync(_host, Owner,
            ParticipantSpec.User("admin", ParticipantRole.Admin),
            ParticipantSpec.User("member"),
            ParticipantSpec.User("observer", ParticipantRole.Observer));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Invariant3_HundredConcurrentRequestsWithShuffledParticipants_ReturnOneDirectRoom()
    {
        var ids = new[] { "u1", "u2", "bot" };
        var rooms = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(() =>
        {
            var shuffled = ids.OrderBy(_ => Random.Shared.Next()).Select(id => id == "bot" ? ParticipantSpec.Agent(id) : ParticipantSpec.User(id)).ToList();
            var caller = Account.User(i % 2 == 0 ? "u1" : "u2");
            return _host.Rooms.GetOrCreateDirectRoomAsync(caller, shuffled);
        })));

        rooms.Select(r => r.Id).Distinct().Should().ContainSingle();
        rooms[0].Kind.Should().Be(RoomKind.Direct);
        (await _host.Rooms.ListRoomsAsync(Account.User("u1"))).Should().ContainSingle(r => r.Kind == RoomKind.Direct);
        await FlushEventsAsync(_host);
        _host.Events.GetSnapshot().OfType<RoomCreatedEvent>().Count(e => e.Room.Kind == RoomKind.Direct).Should().Be(1);
    }

    [Fact]
    public async Task Invariant3_DirectRoom_RefusesParticipantChanges()
    {
        var room = await _host.Rooms.GetOrCreateDirectRoomAsync(Account.User("a"), [ParticipantSpec.User("a"), ParticipantSpec.User("b")]);

        await FluentActions.Awaiting(() => _host.Participants.AddAsync(Account.System, room.Id, ParticipantSpec.User("c"))).Should().ThrowAsync<ConflictException>();
        await FluentActions.Awaiting(() => _host.Participants.RemoveAsync(Account.User("a"), room.Id, "b")).Should().ThrowAsync<ConflictException>();
        await FluentActions.Awaiting(() => _host.Participants.UpdateAsync(Account.System, room.Id, "a", new ParticipantUpdate { Role = ParticipantRole.Owner })).Should().ThrowAsync<ConflictException>();
        (await _host.Participants.ListAsync(Account.User("a"), room.Id)).Select(p => p.AccountId).Should().Equal("a", "b");
    }

    [Fact]
    public async Task Invariant3_DirectRoom_OnlyItsMembersMayOpenIt()
    {
        await FluentActions.Awaiting(() => _host.Rooms.GetOrCreateDirectRoomAsync(Stranger, [ParticipantSpec.User("a"), ParticipantSpec.User("b")]))
            .Should().ThrowAsync<ForbiddenException>();
        var viaSystem = await _host.Rooms.GetOrCreateDirectRoomAsync(Account.System, [ParticipantSpec.User("a"), ParticipantSpec.User("b")]);
        (await _host.Rooms.GetOrCreateDirectRoomAsync(Account.User("b"), [ParticipantSpec.User("a"), ParticipantSpec.User("b")])).Id.Should().Be(viaSystem.Id);
    }

    [Fact]
    public async Task Invariant4_NonParticipant_IsRefusedEverything()
    {
        await Refused<ForbiddenException>(() => _host.Rooms.GetRoomAsync(Stranger, _room.Id));
        await Refused<ForbiddenException>(() => _host.Participants.ListAsync(Stranger, _room.Id));
        await Refused<ForbiddenException>(() => _host.Participants.AddAsync(Stranger, _room.Id, ParticipantSpec.User("x")));
        await Refused<ForbiddenException>(() => _host.Conversations.CreateAsync(Stranger, _room.Id));
        await Refused<ForbiddenException>(() => _host.Conversations.GetAsync(Stranger, _conversation.Id));
        await Refused<ForbiddenException>(() => _host.Conversations.ListAsync(Stranger, _room.Id));
        await Refused<ForbiddenException>(() => _host.Conversations.SetTypingAsync(Stranger, _conversation.Id, true));
        await Refused<ForbiddenException>(() => _host.Conversations.GetReadMarkersAsync(Stranger, _conversation.Id));
        await Refused<ForbiddenException>(() => _host.Messages.PostTextAsync(Stranger, _conversation.Id, "hi"));
        await Refused<ForbiddenException>(() => _host.Messages.GetHistoryAsync(Stranger, _conversation.Id));
        await Refused<ForbiddenException>(() => _host.Messages.BeginStreamAsync(Stranger, _conversation.Id));
        await Refused<ForbiddenException>(() => _host.Messages.SubscribeAsync(Stranger, _conversation.Id).ToListAsync().AsTask());
        await Refused<ForbiddenException>(() => _host.Rooms.SubscribeAsync(Stranger, _room.Id).ToListAsync().AsTask());
        (await _host.Rooms.ListRoomsAsync(Stranger)).Should().BeEmpty();

        // An agent with a user's id is not that user.
        await Refused<ForbiddenException>(() => _host.Messages.PostTextAsync(Account.Agent("member"), _conversation.Id, "impostor"));
    }

    [Fact]
    public async Task Invariant4_Observer_ReadsButDoesNotPost()
    {
        await _host.Messages.PostTextAsync(Member, _conversation.Id, "hello");
        (await _host.Messages.GetHistoryAsync(Observer, _conversation.Id)).Messages.Should().ContainSingle();
        await _host.Conversations.MarkReadAsync(Observer, _conversation.Id, 1);

        await Refused<ForbiddenException>(() => _host.Messages.PostTextAsync(Observer, _conversation.Id, "can I?"));
        await Refused<ForbiddenException>(() => _host.Conversations.CreateAsync(Observer, _room.Id));
        await Refused<ForbiddenException>(() => _host.Conversations.SetTypingAsync(Observer, _conversation.Id, true));
        await Refused<ForbiddenException>(() => _host.Messages.BeginStreamAsync(Observer, _conversation.Id));
    }

    [Fact]
    public async Task Invariant4_SendersEditAndDeleteTheirOwn_AdminsAnyone()
    {
        var mine = await _host.Messages.PostTextAsync(Member, _conversation.Id, "mine");
        var owners = await _host.Messages.PostTextAsync(Owner, _conversation.Id, "owner's");

        (await _host.Messages.EditAsync(Member, _conversation.Id, mine.Id, new EditMessageRequest { Text = "mine, edited" })).Text.Should().Be("mine, edited");
        await Refused<ForbiddenException>(() => _host.Messages.EditAsync(Member, _conversation.Id, owners.Id, new EditMessageRequest { Text = "hijack" }));
        await Refused<ForbiddenException>(() => _host.Messages.DeleteAsync(Member, _conversation.Id, owners.Id));
        await Refused<ForbiddenException>(() => _host.Messages.DeleteAsync(Observer, _conversation.Id, mine.Id));

        (await _host.Messages.DeleteAsync(Admin, _conversation.Id, mine.Id)).IsDeleted.Should().BeTrue();
        await Refused<ConflictException>(() => _host.Messages.DeleteAsync(Admin, _conversation.Id, mine.Id));
        await Refused<ConflictException>(() => _host.Messages.EditAsync(Member, _conversation.Id, mine.Id, new EditMessageRequest { Text = "resurrect" }));
        await Refused<NotFoundException>(() => _host.Messages.DeleteAsync(Admin, _conversation.Id, "no-such-message"));
        (await _host.Messages.EditAsync(Account.System, _conversation.Id, owners.Id, new EditMessageRequest { Text = "moderated" })).Text.Should().Be("moderated");
    }

    [Fact]
    public async Task Invariant4_OnlyOwnersAndAdminsManageParticipants_OnlyOwnersManageAdmins()
    {
        (await _host.Participants.AddAsync(Admin, _room.Id, ParticipantSpec.User("new"))).Role.Should().Be(ParticipantRole.Member);
        await Refused<ForbiddenException>(() => _host.Participants.AddAsync(Member, _room.Id, ParticipantSpec.User("other")));
        await Refused<ForbiddenException>(() => _host.Participants.AddAsync(Admin, _room.Id, ParticipantSpec.User("boss", ParticipantRole.Owner)));
        await Refused<ForbiddenException>(() => _host.Participants.UpdateAsync(Admin, _room.Id, "member", new ParticipantUpdate { Role = ParticipantRole.Admin }));
        await Refused<ForbiddenException>(() => _host.Participants.RemoveAsync(Admin, _room.Id, "owner"));
        await Refused<ForbiddenException>(() => _host.Participants.RemoveAsync(Member, _room.Id, "observer"));
        await Refused<ConflictException>(() => _host.Participants.AddAsync(Owner, _room.Id, ParticipantSpec.User("member")));

        (await _host.Participants.UpdateAsync(Owner, _room.Id, "member", new ParticipantUpdate { Role = ParticipantRole.Admin })).Role.Should().Be(ParticipantRole.Admin);
        (await _host.Participants.UpdateAsync(Observer, _room.Id, "observer", new ParticipantUpdate { DisplayName = "Olive" })).DisplayName.Should().Be("Olive");
        await Refused<ForbiddenException>(() => _host.Participants.UpdateAsync(Observer, _room.Id, "observer", new ParticipantUpdate { Role = ParticipantRole.Owner }));
        await _host.Participants.RemoveAsync(Admin, _room.Id, "new");
        await _host.Participants.RemoveAsync(Observer, _room.Id, "observer");

        (await _host.Participants.ListAsync(Owner, _room.Id)).Select(p => (p.AccountId, p.Role)).Should().Equal(
            ("owner", ParticipantRole.Owner), ("admin", ParticipantRole.Admin), ("member", ParticipantRole.Admin));
        await _host.Events.WaitForAsync<ParticipantRemovedEvent>(e => e.AccountId == "observer", Timeout());
        var events = _host.Events.GetSnapshot();
        events.OfType<ParticipantAddedEvent>().Should().ContainSingle(e => e.Participant.AccountId == "new");
        events.OfType<ParticipantRemovedEvent>().Select(e => e.AccountId).Should().Equal("new", "observer");
        events.OfType<ParticipantUpdatedEvent>().Should().HaveCount(2);
    }

    [Fact]
    public async Task Rooms_CreatorBecomesOwner_AndRoomsAreListedOldestFirst()
    {
        var second = await _host.Rooms.CreateRoomAsync(Member, new CreateRoomRequest { Name = "second" });
        var rooms = await _host.Rooms.ListRoomsAsync(Member);
        rooms.Select(r => r.Id).Should().Equal(_room.Id, second.Id);
        (await _host.Participants.ListAsync(Member, second.Id)).Should().ContainSingle(p => p.AccountId == "member" && p.Role == ParticipantRole.Owner);
        (await _host.Rooms.GetRoomAsync(Member, second.Id)).Name.Should().Be("second");
        (await _host.Conversations.ListAsync(Member, _room.Id)).Select(c => c.Id).Should().Equal(_conversation.Id);
    }

    [Fact]
    public async Task RoomSubscription_DeliversParticipantAndConversationEvents_AndEndsWhenTheSubscriberLeaves()
    {
        var seen = new List<ConversationEvent>();
        var subscription = Task.Run(async () =>
        {
            await foreach (var e in _host.Rooms.SubscribeAsync(Member, _room.Id, Timeout()))
            {
                seen.Add(e);
            }
        });
        var bus = (InMemoryEventBus)_host.Services.GetService(typeof(Transport.ConversationEventBus))!;
        while (bus.SubscriptionCount < 3) // the host's event collector, the engine's own listener, and this subscriber
        {
            await Task.Yield();
        }

        await _host.Participants.AddAsync(Owner, _room.Id, ParticipantSpec.User("newcomer"));
        await _host.Conversations.CreateAsync(Owner, _room.Id, new CreateConversationRequest { Title = "another" });
        await _host.Messages.PostTextAsync(Owner, _conversation.Id, "not a room event");
        await _host.Participants.RemoveAsync(Owner, _room.Id, "member");
        await subscription.WaitAsync(Timeout());

        seen.Select(e => e.Type).Should().Equal(ConversationEventType.ParticipantAdded, ConversationEventType.ConversationCreated, ConversationEventType.ParticipantRemoved);
    }

    [Fact]
    public async Task TypingAndRead_ArePublished_AndReadMarkersOnlyMoveForward()
    {
        await _host.Messages.PostTextAsync(Owner, _conversation.Id, "one");
        await _host.Messages.PostTextAsync(Owner, _conversation.Id, "two");
        await _host.Conversations.SetTypingAsync(Member, _conversation.Id, true);
        (await _host.Conversations.MarkReadAsync(Member, _conversation.Id, 2)).Sequence.Should().Be(2);
        (await _host.Conversations.MarkReadAsync(Member, _conversation.Id, 1)).Sequence.Should().Be(2);
        await Refused<InvalidArgumentException>(() => _host.Conversations.MarkReadAsync(Member, _conversation.Id, 3));
        await Refused<InvalidArgumentException>(() => _host.Conversations.MarkReadAsync(Member, _conversation.Id, 0));

        var typing = await _host.Events.WaitForAsync<TypingEvent>(cancellationToken: Timeout());
        (typing.ActorId, typing.IsTyping, typing.ConversationId).Should().Be(("member", true, _conversation.Id));
        await _host.Events.WaitForAsync<ReadEvent>(cancellationToken: Timeout());
        await FlushEventsAsync(_host);
        _host.Events.GetSnapshot().OfType<ReadEvent>().Should().ContainSingle(r => r.Sequence == 2 && r.ActorId == "member");
        (await _host.Conversations.GetReadMarkersAsync(Observer, _conversation.Id)).Should().ContainSingle(m => m.AccountId == "member" && m.Sequence == 2);
    }

    private static async Task Refused<TException>(Func<Task> act)
        where TException : ConversationsException =>
        await act.Should().ThrowAsync<TException>();
}
