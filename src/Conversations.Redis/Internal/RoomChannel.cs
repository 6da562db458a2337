using StackExchange.Redis;

namespace Conversations.Redis.Internal;

/// <summary>A room this host follows on Redis, for the subscribers of that room: its channel, subscribers and cursors.</summary>
internal sealed class RoomChannel
{
    public RoomChannel(string roomId, RedisChannel channel, Func<RoomChannel, DeliveryCursors> cursors)
    {
        RoomId = roomId;
        Channel = channel;
        Cursors = cursors(this);
    }

    public string RoomId { get; }

    public RedisChannel Channel { get; }

    public DeliveryCursors Cursors { get; }

    /// <summary>Gets or sets the subscribers (replaced, never mutated, under the bus's lock).</summary>
    public LocalSubscription[] Subscribers { get; set; } = [];

    /// <summary>Gets or sets the task that completes once the channel is subscribed (or the attempt failed) and seeded.</summary>
    public Task Ready { get; set; } = Task.CompletedTask;

    /// <summary>Gets or sets the Redis subscription, while there is one.</summary>
    public ChannelMessageQueue? Queue { get; set; }

    /// <summary>Gets or sets a value indicating whether the room was given up (its last subscriber left).</summary>
    public bool Closed { get; set; }

    public void Deliver(Transport.EventBusItem item)
    {
        foreach (var subscriber in Subscribers)
        {
            subscriber.Offer(item);
        }
    }
}
