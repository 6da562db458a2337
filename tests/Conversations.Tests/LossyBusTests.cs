using System.Threading.Channels;
using Conversations.Testing;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Conversations.Tests;

/// <summary>
/// Invariant 4 over a bus that loses events (Redis pub/sub across hosts): a subscriber's removal from the room may never
/// arrive, so a subscription checks its caller is still a participant before it reads the store on a bare doorbell.
/// </summary>
public sealed class LossyBusTests
{
    [Fact]
    public async Task Invariant4_RemovalLostByTheBus_StillEndsTheSubscriptionBeforeTheNextRead()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.Replace(ServiceDescriptor.Singleton<ConversationEventBus>(new TestLossyEventBus())));
        var alice = Account.User("alice");
        var bob = Account.User("bob");
        var room = await host.Rooms.CreateRoomAsync(alice, new CreateRoomRequest { Participants = [ParticipantSpec.User("bob")] });
        var conversation = await host.Conversations.CreateAsync(alice, room.Id);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = Channel.CreateUnbounded<string>();
        var reading = Task.Run(async () =>
        {
            await foreach (var e in host.Messages.SubscribeAsync(bob, conversation.Id, 0, timeout.Token))
            {
                if (e is MessagePostedEvent posted)
                {
                    await seen.Writer.WriteAsync(posted.Message.Text, timeout.Token);
                }
            }

            seen.Writer.Complete();
        });

        await host.Messages.PostTextAsync(alice, conversation.Id, "for bob");
        (await seen.Reader.ReadAsync(timeout.Token)).Should().Be("for bob");
        await host.Participants.RemoveAsync(alice, room.Id, "bob");
        await host.Messages.PostTextAsync(alice, conversation.Id, "after bob left");

        await reading.WaitAsync(timeout.Token);
        (await seen.Reader.ReadAllAsync(timeout.Token).ToListAsync(timeout.Token)).Should().BeEmpty("a removed participant reads nothing more");
    }

    /// <summary>A bus that, like a network bus under failures, loses room events and carries log events only as doorbells.</summary>
    private sealed class TestLossyEventBus : ConversationEventBus
    {
        private readonly InMemoryEventBus _inner = new();

        public override ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken) =>
            conversationEvent is ParticipantRemovedEvent ? default : _inner.PublishAsync(conversationEvent, cancellationToken);

        public override async ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken) =>
            new Doorbells(await _inner.SubscribeAsync(filter, capacity, cancellationToken));

        private sealed class Doorbells(EventBusSubscription inner) : EventBusSubscription
        {
            private readonly DoorbellReader _reader = new(inner.Reader);

            public override ChannelReader<EventBusItem> Reader => _reader;

            protected override void Dispose(bool disposing) => inner.Dispose();

            private sealed class DoorbellReader(ChannelReader<EventBusItem> inner) : ChannelReader<EventBusItem>
            {
                public override Task Completion => inner.Completion;

                public override bool TryRead(out EventBusItem item)
                {
                    if (!inner.TryRead(out item))
                    {
                        return false;
                    }

                    if (item.Event is MessageLogEvent logged)
                    {
                        item = EventBusItem.CatchUp(logged.RoomId, logged.ConversationId!, logged.Sequence);
                    }

                    return true;
                }

                public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);
            }
        }
    }
}
