using System.Threading.Channels;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.Options;

namespace Conversations.Redis.Tests;

/// <summary>The bus itself: two buses on one Redis stand for two hosts; a shared in-memory store stands for the database.</summary>
public sealed class RedisEventBusTests : IAsyncLifetime
{
    private static readonly DateTimeOffset At = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly InMemoryConversationStore _store = new();
    private readonly string _prefix = "bus-" + Guid.NewGuid().ToString("N");
    private RedisEventBus _a = null!;
    private RedisEventBus _b = null!;

    public Task InitializeAsync()
    {
        if (TestServers.SkipReason([TestServers.RedisVariable]) is null)
        {
            _a = Bus();
            _b = Bus();
        }

        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
            await _b.DisposeAsync();
        }
    }

    [RequiresServerFact(TestServers.RedisVariable)]
    public async Task Publish_ReachesRoomAndBusWideSubscribersOfAnotherHost_InOrder_AndNotOtherRooms()
    {
        using var room = await _b.SubscribeAsync(new EventBusFilter { RoomId = "r1" }, 100, Timeout);
        using var wide = await _b.SubscribeAsync(EventBusFilter.All, 100, Timeout);
        using var other = await _b.SubscribeAsync(new EventBusFilter { RoomId = "r2" }, 100, Timeout);
        for (var i = 1; i <= 5; i++)
        {
            await _a.PublishAsync(Posted("r1", "c1", i), Timeout);
        }

        await _a.PublishAsync(new TypingEvent { RoomId = "r1", ConversationId = "c1", ActorId = "alice", Timestamp = At, IsTyping = true }, Timeout);

        (await TakeAsync(room.Reader, 6)).Select(Describe).Should().Equal("1", "2", "3", "4", "5", "conversation.typing");
        (await TakeAsync(wide.Reader, 6)).Select(Describe).Should().Equal("1", "2", "3", "4", "5", "conversation.typing");
        other.Reader.TryRead(out _).Should().BeFalse("a room's events travel on its own channel");
    }

    [RequiresServerFact(TestServers.RedisVariable)]
    public async Task LogEventsArrivingOutOfOrder_AreHandedOnInOrder_Once()
    {
        using var room = await _b.SubscribeAsync(new EventBusFilter { RoomId = "r1" }, 100, Timeout);
        foreach (var sequence in new long[] { 1, 3, 2, 2, 5, 4, 1 })
        {
            await _a.PublishAsync(Posted("r1", "c1", sequence), Timeout);
        }

        (await TakeAsync(room.Reader, 5)).Select(Describe).Should().Equal("1", "2", "3", "4", "5");
    }

    [RequiresServerFact(TestServers.RedisVariable)]
    public async Task LogEventTooLargeToCarry_ArrivesAsACatchUpDoorbell()
    {
        await using var small = Bus(o => o.MaxEventBytes = 2048);
        using var room = await _b.SubscribeAsync(new EventBusFilter { RoomId = "r1" }, 100, Timeout);
        await small.PublishAsync(Posted("r1", "c1", 1, new string('x', 4000)), Timeout);
        await small.PublishAsync(new MessageDeltaEvent { RoomId = "r1", ConversationId = "c1", ActorId = "a", Timestamp = At, MessageId = "m", MessageSequence = 1, Index = 0, Delta = new string('y', 4000) }, Timeout);
        await small.PublishAsync(Posted("r1", "c1", 2), Timeout);

        var items = await TakeAsync(room.Reader, 2);
        items[0].Kind.Should().Be(EventBusItemKind.CatchUp);
        (items[0].ConversationId, items[0].Sequence).Should().Be(("c1", 1L));
        Describe(items[1]).Should().Be("2", "the oversized delta was dropped (live events are best effort)");
    }

    /// <summary>A conversation that moved on in the store without its event reaching this host gets a catch-up doorbell from the poll.</summary>
    [RequiresServerFact(TestServers.RedisVariable)]
    public async Task ConversationAheadOfWhatWasDelivered_GetsADoorbellFromThePoll()
    {
        var conversation = await SeedAsync();
        using var room = await _b.SubscribeAsync(new EventBusFilter { RoomId = conversation.RoomId }, 100, Timeout);
        for (var i = 0; i < 3; i++)
        {
            // Stored, but never published: as if Redis had lost the messages.
            await _store.AppendMessageAsync(Draft(conversation, $"lost {i}"), AppendOptions.None, Timeout);
        }

        var item = (await TakeAsync(room.Reader, 1))[0];
        (item.Kind, item.ConversationId, item.Sequence).Should().Be((EventBusItemKind.CatchUp, conversation.Id, 3L));
    }

    [RequiresServerFact(TestServers.RedisVariable)]
    public void Options_AreValidated()
    {
        var act = () => new RedisEventBus(new RedisEventBusOptions { Configuration = TestServers.Redis, ChannelPrefix = "bad prefix*" });
        act.Should().Throw<OptionsValidationException>().WithMessage("*ChannelPrefix*");
        var noRedis = () => new RedisEventBus(new RedisEventBusOptions());
        noRedis.Should().Throw<OptionsValidationException>().WithMessage("*Configuration*");
    }

    private static CancellationToken Timeout => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private RedisEventBus Bus(Action<RedisEventBusOptions>? configure = null)
    {
        var options = new RedisEventBusOptions { Configuration = TestServers.Redis, ChannelPrefix = _prefix, CatchUpInterval = TimeSpan.FromMilliseconds(200), ReorderWindow = TimeSpan.FromSeconds(2) };
        configure?.Invoke(options);
        return new RedisEventBus(options, store: () => _store);
    }

    private static async Task<List<EventBusItem>> TakeAsync(ChannelReader<EventBusItem> reader, int count)
    {
        var items = new List<EventBusItem>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (items.Count < count && await reader.WaitToReadAsync(timeout.Token))
        {
            while (items.Count < count && reader.TryRead(out var item))
            {
                items.Add(item);
            }
        }

        return items;
    }

    private static string Describe(EventBusItem item) => item.Event switch
    {
        MessageLogEvent logged => logged.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
        { } e => e.Type.Value,
        _ => item.Kind.ToString(),
    };

    private static MessagePostedEvent Posted(string roomId, string conversationId, long sequence, string text = "hi") => new()
    {
        RoomId = roomId,
        ConversationId = conversationId,
        ActorId = "alice",
        Timestamp = At,
        Sequence = sequence,
        Message = new Message { Id = $"m{sequence}", RoomId = roomId, ConversationId = conversationId, Sequence = sequence, LastSequence = sequence, SenderId = "alice", SenderKind = AccountKind.User, Text = text, CreatedAt = At },
    };

    private async Task<Conversation> SeedAsync()
    {
        var room = new Room { Id = Guid.NewGuid().ToString("N"), Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = At };
        await _store.CreateRoomAsync(room, [], Timeout);
        var conversation = new Conversation { Id = Guid.NewGuid().ToString("N"), RoomId = room.Id, CreatedBy = "alice", CreatedAt = At };
        await _store.CreateConversationAsync(conversation, Timeout);
        return conversation;
    }

    private static Message Draft(Conversation conversation, string text) => new()
    {
        Id = Guid.NewGuid().ToString("N"),
        RoomId = conversation.RoomId,
        ConversationId = conversation.Id,
        Sequence = 0,
        LastSequence = 0,
        SenderId = "alice",
        SenderKind = AccountKind.User,
        Text = text,
        CreatedAt = At,
    };
}
