namespace Conversations.Storage;

/// <summary>The outcome of <see cref="ConversationStore.UpdateMessageAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Message">The message after the update, or as it is now on a conflict; <see langword="null"/> when not found.</param>
public readonly record struct UpdateResult(UpdateOutcome Outcome, Message? Message);
