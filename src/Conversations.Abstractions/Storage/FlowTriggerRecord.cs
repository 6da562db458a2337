namespace Conversations.Storage;

/// <summary>
/// A durable flow trigger: the record that an auto-respond agent owes a run, written in the same store write as the
/// message (or conversation) that caused it. Triggers of one (conversation, agent) lane run one at a time, in sequence order.
/// </summary>
public sealed class FlowTriggerRecord
{
    /// <summary>Gets the conversation.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the agent's account id.</summary>
    public required string AgentId { get; init; }

    /// <summary>Gets the sequence of the triggering message; 0 for a conversation-created trigger.</summary>
    public required long Sequence { get; init; }

    /// <summary>Gets the room.</summary>
    public required string RoomId { get; init; }

    /// <summary>Gets why the agent is triggered.</summary>
    public required FlowTriggerKind Kind { get; init; }

    /// <summary>Gets the triggering message's id, for <see cref="FlowTriggerKind.MessagePosted"/>.</summary>
    public string? MessageId { get; init; }

    /// <summary>Gets the chain depth of the triggering message.</summary>
    public int ChainDepth { get; init; }

    /// <summary>Gets where the trigger stands.</summary>
    public FlowTriggerStatus Status { get; init; }

    /// <summary>Gets how many times a dispatcher claimed it (the current attempt's number while leased).</summary>
    public int Attempts { get; init; }

    /// <summary>Gets the dispatcher holding the lease, if any.</summary>
    public string? LeaseOwner { get; init; }

    /// <summary>Gets when the lease ends unless renewed, if leased.</summary>
    public DateTimeOffset? LeaseExpiresAt { get; init; }

    /// <summary>
    /// Gets the earliest time a dispatcher may claim it: <see cref="DateTimeOffset.MinValue"/> (due at once) until a failed
    /// attempt sets a retry time. Stores record new triggers as due at once, so no clock but the dispatcher's decides.
    /// </summary>
    public required DateTimeOffset NextAttemptAt { get; init; }

    /// <summary>Gets when it was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Gets the error code of the last failed attempt, if any.</summary>
    public string? LastError { get; init; }

    /// <summary>Gets the trigger's key.</summary>
    public FlowTriggerKey Key => new(ConversationId, AgentId, Sequence);
}
