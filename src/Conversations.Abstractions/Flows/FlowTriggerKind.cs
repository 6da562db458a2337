namespace Conversations;

/// <summary>Why a flow was triggered.</summary>
public enum FlowTriggerKind
{
    /// <summary>A conversation was created in a room where the agent auto-responds: start the flow.</summary>
    ConversationCreated = 0,

    /// <summary>A message was posted by someone else: continue the flow.</summary>
    MessagePosted = 1,

    /// <summary>
    /// A participant asked the agent to answer <see cref="FlowTrigger.Message"/> again (<see cref="IMessageService.RegenerateAsync"/>):
    /// its earlier reply, <see cref="FlowTrigger.ReplacedMessageId"/>, was deleted, and the new reply is posted at the end of the conversation.
    /// </summary>
    Regenerate = 2,
}
