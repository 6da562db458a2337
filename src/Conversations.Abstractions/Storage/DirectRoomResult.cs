namespace Conversations.Storage;

/// <summary>The outcome of <see cref="ConversationStore.GetOrCreateDirectRoomAsync"/>.</summary>
/// <param name="Room">The direct room.</param>
/// <param name="Created"><see langword="true"/> when this call created it.</param>
public readonly record struct DirectRoomResult(Room Room, bool Created);
