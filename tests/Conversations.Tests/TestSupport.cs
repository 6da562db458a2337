using Conversations.Testing;

namespace Conversations.Tests;

internal static class TestSupport
{
    /// <summary>A safety net against a hung test, never a synchronisation device.</summary>
    public static CancellationToken Timeout(int seconds = 60) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;

    public static async Task<(Room Room, Conversation Conversation)> RoomWithConversationAsync(
        ConversationsTestHost host, Account owner, params ParticipantSpec[] others)
    {
        var room = await host.Rooms.CreateRoomAsync(owner, new CreateRoomRequest { Name = "room", Participants = others });
        var conversation = await host.Conversations.CreateAsync(owner, room.Id, new CreateConversationRequest { Title = "thread" });
        return (room, conversation);
    }
}
