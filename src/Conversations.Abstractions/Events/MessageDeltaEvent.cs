using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// <c>conversation.message_delta</c>: a live chunk of a streamed message. Not stored one by one: the text so far is
/// checkpointed, a subscriber joining mid-stream gets a <see cref="MessageSnapshotEvent"/>, and the whole text arrives with
/// <c>conversation.message_updated</c> when the stream ends.
/// </summary>
public sealed class MessageDeltaEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.MessageDelta;

    /// <summary>Gets the streamed message's identifier.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the sequence the streamed message was posted at.</summary>
    public required long MessageSequence { get; init; }

    /// <summary>Gets the chunk's position in the stream, from 0.</summary>
    public required int Index { get; init; }

    /// <summary>Gets the chunk of text.</summary>
    public required string Delta { get; init; }
}
