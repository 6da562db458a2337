namespace Conversations.Storage;

/// <summary>Identifies a durable flow trigger: one agent's run owed for one log position of one conversation.</summary>
/// <param name="ConversationId">The conversation.</param>
/// <param name="AgentId">The agent's account id.</param>
/// <param name="Sequence">The sequence of the triggering message; 0 for the conversation-created trigger.</param>
public readonly record struct FlowTriggerKey(string ConversationId, string AgentId, long Sequence);
