namespace Conversations.Storage;

/// <summary>A flow trigger to record with a change; the store keys it by the change's sequence.</summary>
/// <param name="AgentId">The agent that owes a run.</param>
/// <param name="Kind">Why it runs (for a regenerated reply, <see cref="FlowTriggerKind.Regenerate"/>).</param>
/// <param name="MessageId">The message the agent answers.</param>
/// <param name="ChainDepth">The chain depth of that message.</param>
public sealed record TriggerSpec(string AgentId, FlowTriggerKind Kind, string MessageId, int ChainDepth);
