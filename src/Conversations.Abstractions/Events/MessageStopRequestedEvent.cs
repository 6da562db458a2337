using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// <c>conversation.message_stop_requested</c>: a participant asked to stop a streaming message. The engine that writes the
/// stream stops it (status <see cref="MessageStatus.Stopped"/>, published as <c>conversation.message_updated</c>) and cancels
/// the flow that wrote it. Live only: it carries the request across engines that share the bus; the stored outcome is the truth.
/// </summary>
public sealed class MessageStopRequestedEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.MessageStopRequested;

    /// <summary>Gets the streaming message to stop.</summary>
    public required string MessageId { get; init; }
}
