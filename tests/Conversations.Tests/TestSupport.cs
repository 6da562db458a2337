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

    /// <summary>
    /// Assembles one streamed message's text from a subscriber's events, strictly: after the post (or a snapshot) every
    /// delta must be exactly the next one — no gap, no repeat. Fails the test otherwise.
    /// </summary>
    public static string AssembleStrictly(IEnumerable<ConversationEvent> events, string messageId, bool postSeenBefore = false)
    {
        string? text = postSeenBefore ? string.Empty : null;
        var next = 0;
        foreach (var e in events)
        {
            switch (e)
            {
                case MessagePostedEvent posted when posted.Message.Id == messageId:
                    text = posted.Message.Text;
                    next = 0;
                    break;
                case MessageSnapshotEvent snapshot when snapshot.MessageId == messageId:
                    text.Should().NotBeNull("a snapshot comes after the post");
                    snapshot.Text.Should().StartWith(text!.Length <= snapshot.Text.Length ? text : string.Empty);
                    text = snapshot.Text;
                    next = snapshot.DeltaCount;
                    break;
                case MessageDeltaEvent delta when delta.MessageId == messageId:
                    text.Should().NotBeNull("deltas come after the post");
                    delta.Index.Should().Be(next, "each delta is the next one: no gap, no repeat");
                    text += delta.Delta;
                    next++;
                    break;
            }
        }

        return text ?? throw new InvalidOperationException("The message was never posted.");
    }
}
