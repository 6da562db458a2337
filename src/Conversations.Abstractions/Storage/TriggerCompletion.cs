namespace Conversations.Storage;

/// <summary>How a dispatcher ends its attempt at a leased trigger.</summary>
public sealed class TriggerCompletion
{
    /// <summary>Gets the outcome.</summary>
    public required TriggerOutcome Outcome { get; init; }

    /// <summary>Gets when the trigger is due again, for <see cref="TriggerOutcome.Retry"/> and <see cref="TriggerOutcome.Release"/>.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Gets the error code of a failed attempt, if any.</summary>
    public string? Error { get; init; }
}
