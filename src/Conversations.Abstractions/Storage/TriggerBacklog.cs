namespace Conversations.Storage;

/// <summary>How much agent work is owed: for metrics and health checks.</summary>
/// <param name="Pending">How many triggers are pending (waiting, leased or waiting for a retry).</param>
/// <param name="OldestCreatedAt">When the oldest pending trigger was recorded, or <see langword="null"/> when none is.</param>
public readonly record struct TriggerBacklog(long Pending, DateTimeOffset? OldestCreatedAt);
