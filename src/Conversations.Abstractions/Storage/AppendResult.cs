namespace Conversations.Storage;

/// <summary>The outcome of <see cref="ConversationStore.AppendMessageAsync"/>.</summary>
/// <param name="Message">The stored message.</param>
/// <param name="Created"><see langword="true"/> when this call stored it; <see langword="false"/> for an idempotent repeat.</param>
/// <param name="TriggersCreated">How many flow triggers the append recorded with the message (0 for a repeat).</param>
public readonly record struct AppendResult(Message Message, bool Created, int TriggersCreated = 0);
