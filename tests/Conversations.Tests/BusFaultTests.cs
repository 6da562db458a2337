using Conversations.Testing;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

/// <summary>Invariant 5: a slow, hung or failing bus never delays or fails a write; readers catch up from the store.</summary>
public sealed class BusFaultTests
{
    private static readonly Account Alice = Account.User("alice");

    [Theory]
    [InlineData(BusFault.Hangs)]
    [InlineData(BusFault.Throws)]
    public async Task Invariant5_ABrokenBus_NeverDelaysOrFailsAPost_AndSubscribersCatchUpFromTheStore(BusFault fault)
    {
        var bus = new FaultyBus(fault);
        await using var host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.Replace(ServiceDescriptor.Singleton<ConversationEventBus>(bus));
            b.Services.Configure<ConversationsOptions>(o => o.MaxPendingPublishes = 5);
        });
        var (_, conversation) = await RoomWithConversationAsync(host, Alice);

        var posts = new List<Message>();
        for (var i = 0; i < 20; i++)
        {
            posts.Add(await host.Messages.PostTextAsync(Alice, conversation.Id, $"m{i}").WaitAsync(Timeout(10)));
        }

        posts.Select(p => p.Sequence).Should().Equal(Enumerable.Range(1, 20).Select(i => (long)i));
        bus.Attempts.Should().BeGreaterThan(0);
        if (fault == BusFault.Hangs)
        {
            bus.Attempts.Should().BeLessThanOrEqualTo(5 + 2, "past MaxPendingPublishes events are dropped rather than queued behind a hung bus");
        }

        // The bus delivers nothing; a subscriber still gets the whole log from the store.
        var seen = new List<long>();
        await foreach (var e in host.Messages.SubscribeAsync(Alice, conversation.Id, 0, Timeout()))
        {
            seen.Add(((MessageLogEvent)e).Sequence);
            if (seen.Count == 20)
            {
                break;
            }
        }

        seen.Should().Equal(posts.Select(p => p.Sequence));
    }

    public enum BusFault
    {
        Hangs,
        Throws,
    }

    /// <summary>A bus whose subscriptions work but whose publishing hangs forever or throws.</summary>
    private sealed class FaultyBus(BusFault fault) : ConversationEventBus
    {
        private readonly InMemoryEventBus _inner = new();
        private readonly TaskCompletionSource _never = new();
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public override ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            return fault == BusFault.Hangs ? new ValueTask(_never.Task) : throw new InvalidOperationException("the bus is down");
        }

        public override ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken) =>
            _inner.SubscribeAsync(filter, capacity, cancellationToken);
    }
}
