namespace Conversations.Storage;

public abstract partial class ConversationStore
{
    /// <summary>
    /// Leases the triggers a dispatcher may run now: for each (conversation, agent) lane, only its lowest pending trigger,
    /// and only when that one is due (<see cref="FlowTriggerRecord.NextAttemptAt"/> at or before
    /// <see cref="TriggerClaim.Now"/>) and not leased, or its lease ended. Each leased trigger's
    /// <see cref="FlowTriggerRecord.Attempts"/> grows by one. Oldest first, at most <see cref="TriggerClaim.MaxCount"/>.
    /// </summary>
    /// <remarks>Concurrent claims (also from other processes) never lease the same trigger while its lease holds.</remarks>
    /// <param name="claim">Who claims, when, and how many.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The leased triggers, as they are after the claim.</returns>
    public abstract ValueTask<IReadOnlyList<FlowTriggerRecord>> ClaimTriggersAsync(TriggerClaim claim, CancellationToken cancellationToken);

    /// <summary>Extends the lease of a trigger the caller holds.</summary>
    /// <param name="key">The trigger.</param>
    /// <param name="owner">The lease holder.</param>
    /// <param name="leaseExpiresAt">The new end of the lease.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the caller no longer holds the lease (nothing is changed).</returns>
    public abstract ValueTask<bool> RenewTriggerLeaseAsync(FlowTriggerKey key, string owner, DateTimeOffset leaseExpiresAt, CancellationToken cancellationToken);

    /// <summary>Ends the caller's attempt at a trigger it holds: done, retry later, dead, or released uncounted.</summary>
    /// <param name="key">The trigger.</param>
    /// <param name="owner">The lease holder.</param>
    /// <param name="completion">How the attempt ends.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the caller no longer holds the lease (nothing is changed).</returns>
    public abstract ValueTask<bool> CompleteTriggerAsync(FlowTriggerKey key, string owner, TriggerCompletion completion, CancellationToken cancellationToken);

    /// <summary>Lists a conversation's triggers in (agent, sequence) order, whatever their status. For diagnostics and tests.</summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The triggers.</returns>
    public abstract ValueTask<IReadOnlyList<FlowTriggerRecord>> GetTriggersAsync(string conversationId, CancellationToken cancellationToken);

    /// <summary>Counts the pending triggers and finds the oldest. For metrics and health checks.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The backlog.</returns>
    public abstract ValueTask<TriggerBacklog> GetTriggerBacklogAsync(CancellationToken cancellationToken);
}
