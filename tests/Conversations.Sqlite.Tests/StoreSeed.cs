using Conversations;
using Conversations.Storage;

namespace Conversations.TestSupport;

/// <summary>
/// The small world the store tests write into: room <c>r1</c> with its owner <c>alice</c>, conversation <c>c1</c>, and
/// messages by alice, all at one fixed time. Shared (as linked source) by the SQLite tests and the PostgreSQL tests'
/// copy of <see cref="HeldWrites"/>.
/// </summary>
internal static class StoreSeed
{
    /// <summary>The time every seeded room, participant, conversation and message carries.</summary>
    public static readonly DateTimeOffset At = new(2026, 1, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Creates room <c>r1</c> (owner <c>alice</c>) and its conversation <c>c1</c>.</summary>
    public static async Task<Conversation> SeedAsync(ConversationStore store, CancellationToken cancellationToken)
    {
        await store.CreateRoomAsync(new Room { Id = "r1", Kind = RoomKind.Standard, CreatedBy = "alice", CreatedAt = At }, [new Participant { RoomId = "r1", AccountId = "alice", Kind = AccountKind.User, Role = ParticipantRole.Owner, JoinedAt = At }], cancellationToken);
        var conversation = new Conversation { Id = "c1", RoomId = "r1", CreatedBy = "alice", CreatedAt = At };
        await store.CreateConversationAsync(conversation, cancellationToken);
        return conversation;
    }

    /// <summary>A message by alice in room <c>r1</c>, for the store to number; its text is its id.</summary>
    public static Message Message(string conversationId, string id) => new()
    {
        Id = id,
        RoomId = "r1",
        ConversationId = conversationId,
        Sequence = 0,
        LastSequence = 0,
        SenderId = "alice",
        SenderKind = AccountKind.User,
        Text = id,
        CreatedAt = At,
    };
}
