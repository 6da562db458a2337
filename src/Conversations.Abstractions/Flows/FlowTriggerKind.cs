namespace Conversations;

/// <summary>Why a flow was triggered.</summary>
public enum FlowTriggerKind
{
    /// <summary>A conversation was created in a room where the agent auto-responds: start the flow.</summary>
    ConversationCreated = 0,

    /// <summary>A message was posted by someone else: continue the flow.</summary>
    MessagePosted = 1,
}
