namespace Conversations.Storage;

/// <summary>A message stored with <see cref="MessageStatus.Streaming"/>, with its owner's lease and last checkpoint.</summary>
/// <param name="Message">The message; its text is the last checkpoint.</param>
/// <param name="Owner">The owner writing it, or <see langword="null"/> when it was stored without one.</param>
/// <param name="LeaseExpiresAt">When the owner's lease ends, or <see langword="null"/> when it has none.</param>
/// <param name="DeltaCount">How many deltas the checkpointed text covers.</param>
public readonly record struct StreamingMessage(Message Message, string? Owner, DateTimeOffset? LeaseExpiresAt, int DeltaCount);
