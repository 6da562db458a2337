namespace Conversations;

/// <summary>What the engine hands a flow: who is asked to act, where, and because of what.</summary>
public sealed class FlowTrigger
{
    /// <summary>Gets why the flow was triggered.</summary>
    public required FlowTriggerKind Kind { get; init; }

    /// <summary>Gets the agent participant asked to act.</summary>
    public required Participant Agent { get; init; }

    /// <summary>Gets the room.</summary>
    public required string RoomId { get; init; }

    /// <summary>
    /// Gets the conversation. The engine hands out the copy it keeps (a conversation's id, room, title and creation never
    /// change), so its <see cref="Conversation.LastSequence"/> may be behind: read the history for the newest messages.
    /// </summary>
    public required Conversation Conversation { get; init; }

    /// <summary>Gets the posted message, for <see cref="FlowTriggerKind.MessagePosted"/>.</summary>
    public Message? Message { get; init; }

    /// <summary>
    /// Gets the agent's earlier reply that a <see cref="FlowTriggerKind.Regenerate"/> trigger replaces (it is deleted); otherwise
    /// <see langword="null"/>.
    /// </summary>
    public string? ReplacedMessageId { get; init; }

    /// <summary>Gets the sequence of the posted message; 0 for <see cref="FlowTriggerKind.ConversationCreated"/>.</summary>
    public long Sequence => Message?.Sequence ?? 0;

    /// <summary>
    /// Gets the chain depth of the triggering message: 0 when a person (or the host) posted it, one more for
    /// each agent reply in between. Messages the flow posts get this depth plus one.
    /// </summary>
    public int ChainDepth { get; init; }

    /// <summary>
    /// Gets which attempt at this trigger the run is, from 1. Runs are at-least-once: a run interrupted by a crash, a
    /// lost lease or a failure is run again (up to <c>ConversationsOptions.MaxFlowAttempts</c>), so a flow may see the
    /// same trigger more than once. Replies posted through the <see cref="FlowContext"/> are exactly-once: a retried run
    /// that reaches a reply already stored gets that message back instead of posting it again.
    /// </summary>
    public int Attempt { get; init; } = 1;
}
