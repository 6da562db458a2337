namespace Conversations.Storage;

/// <summary>A dispatcher's request to lease the triggers it may run now.</summary>
public sealed class TriggerClaim
{
    /// <summary>Gets the claiming dispatcher's owner id.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the current time: triggers due at or before it, whose lease is free or ended, are eligible.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>Gets when the new leases end unless renewed.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }

    /// <summary>Gets the most triggers to lease.</summary>
    public required int MaxCount { get; init; }

    /// <summary>
    /// Gets the agents whose triggers may be leased (the agents the claiming engine can run), or <see langword="null"/> for
    /// every agent.
    /// </summary>
    public IReadOnlyCollection<string>? AgentIds { get; init; }
}
