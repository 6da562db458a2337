using System.Text.Json.Serialization;

namespace Conversations;

/// <summary><c>conversation.message_posted</c>: a message was appended to the log. A streamed message is posted with its first chunk, with status <see cref="MessageStatus.Streaming"/>.</summary>
public sealed class MessagePostedEvent : MessageLogEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.MessagePosted;

    /// <summary>
    /// Gets how many agent replies led to this message: 0 when not posted from a flow, and one more than the
    /// triggering message's depth when an agent posts from its flow. Triggers stop at the configured depth.
    /// Left out of JSON when 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int ChainDepth { get; init; }

    /// <summary>
    /// Gets how many agent triggers the post recorded with the message: a hint that tells dispatchers on every engine
    /// whether there is agent work to claim. 0 when read back from the log (and then left out of JSON).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int TriggerCount { get; init; }
}
