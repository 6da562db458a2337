namespace Conversations.Storage;

/// <summary>What the store knows of one room of an account's inbox; the engine turns it into an <see cref="InboxEntry"/>.</summary>
/// <param name="Room">The room.</param>
/// <param name="Membership">The account's participation in the room.</param>
/// <param name="Conversations">The room's conversations, ordered by creation (then id).</param>
public sealed record InboxRoomState(Room Room, Participant Membership, IReadOnlyList<InboxConversationState> Conversations);
