namespace Conversations.Redis.Tests;

/// <summary>The inbox across hosts: a subscription on one host follows rooms and posts made on another, through Redis.</summary>
public sealed class RedisInboxTests
{
    [RequiresServerFact(TestServers.PostgresVariable, TestServers.RedisVariable)]
    public async Task Inbox_OnOneHost_SeesARoomAndAPostMadeOnAnother()
    {
        await using var schema = new RedisFaultTests.Schema();
        await using var a = await ScaleEngine.StartAsync(schema.Name, TestServers.Redis);
        await using var b = await ScaleEngine.StartAsync(schema.Name, TestServers.Redis);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var alice = Account.User("alice");
        var bob = Account.User("bob");
        await using var inbox = b.Rooms.SubscribeInboxAsync(bob, cancellationToken: timeout.Token).GetAsyncEnumerator(timeout.Token);

        // The subscription is live once its first read of the store is done; a room made before that is in the read.
        var room = await a.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Name = "across", Participants = [ParticipantSpec.User("bob")] }, timeout.Token);
        var added = await NextAsync(inbox, e => e is InboxRoomAddedEvent added && added.Entry.Room.Id == room.Id);
        ((InboxRoomAddedEvent)added).Entry.UnreadCount.Should().Be(0);

        var conversation = await a.Conversations.CreateAsync(alice, room.Id, cancellationToken: timeout.Token);
        await a.Messages.PostTextAsync(alice, conversation.Id, "hello from host a", cancellationToken: timeout.Token);
        var updated = (InboxRoomUpdatedEvent)await NextAsync(inbox, e => e is InboxRoomUpdatedEvent u && u.Entry.Room.Id == room.Id && u.Entry.UnreadCount == 1);
        updated.Entry.LastMessage.Should().NotBeNull();
        updated.Entry.Conversations.Should().ContainSingle(c => c.ConversationId == conversation.Id);
    }

    private static async Task<InboxEvent> NextAsync(IAsyncEnumerator<InboxEvent> inbox, Func<InboxEvent, bool> match)
    {
        while (await inbox.MoveNextAsync())
        {
            if (match(inbox.Current))
            {
                return inbox.Current;
            }
        }

        throw new InvalidOperationException("The inbox subscription ended.");
    }
}
