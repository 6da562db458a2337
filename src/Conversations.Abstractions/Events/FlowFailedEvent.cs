using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// <c>conversation.flow_failed</c>: an agent's flow failed (threw or timed out) on every allowed attempt at a trigger, and
/// the agent moved on to its next trigger. Published once per trigger.
/// </summary>
public sealed class FlowFailedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.FlowFailed;

    /// <summary>Gets the agent whose flow failed.</summary>
    public required string AgentId { get; init; }

    /// <summary>Gets the sequence of the message that triggered the flow; 0 for a conversation-created trigger.</summary>
    public required long TriggerSequence { get; init; }

    /// <summary>Gets the error code: a <see cref="ConversationsErrorCode"/> value, <c>timeout</c>, or <c>internal</c>.</summary>
    public required string ErrorCode { get; init; }

    /// <summary>Gets a description of the failure that is safe to show to participants.</summary>
    public required string ErrorMessage { get; init; }

    /// <summary>Gets how many attempts were made.</summary>
    public int Attempts { get; init; }
}
