using Conversations.Testing;

namespace Conversations.Tests;

internal static class TestSupport
{
    /// <summary>A safety net against a hung test, never a synchronisation device.</summary>
    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    /// <summary>
    /// Publishes a marker on the bus and waits until the host's collector has it: every event published
    /// before the marker has then been collected too.
    /// </summary>
    public static async Task FlushEventsAsync(ConversationsTestHost host)
    {
        var marker = Guid.NewGuid().ToString("N");
        var bus = (Transport.ConversationEventBus)host.Services.GetService(typeof(Transport.ConversationEventBus))!;
        await bus.PublishAsync(new TypingEvent { RoomId = "flush", ActorId = marker, Timestamp = host.Time.GetUtcNow(), IsTyping = false }, CancellationToken.None);
        await host.Events.WaitForAsync(e => e.ActorId == marker, Timeout());
    }

    public static async Task<(Room Room, Conversation Conversation)> RoomWithConversationAsync(
        ConversationsTestHost host, Account owner, params ParticipantSpec[] others)
    {
        var room = await host.Rooms.CreateRoomAsync(owner, new CreateRoomRequest { Name = "room", Participants = others });
        var conversation = await host.Conversations.CreateAsync(owner, room.Id, new CreateConversationRequest { Title = "thread" });
        return (room, conversation);
    }
}
