using System.Text.Json.Serialization;

namespace Conversations;

/// <summary>
/// <c>conversation.message_snapshot</c>: the text a streamed message has reached, sent to a subscriber that joins (or
/// rejoins) while the message streams. <see cref="Text"/> is exactly deltas 0 to <see cref="DeltaCount"/> − 1; apply the
/// deltas with <see cref="MessageDeltaEvent.Index"/> at or above <see cref="DeltaCount"/> after it and ignore lower ones.
/// A later snapshot of the same message replaces the text by the same rule. Live only, like deltas.
/// </summary>
public sealed class MessageSnapshotEvent : ConversationEvent
{
    /// <inheritdoc />
    [JsonIgnore]
    public override ConversationEventType Type => ConversationEventType.MessageSnapshot;

    /// <summary>Gets the streamed message's identifier.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the sequence the streamed message was posted at.</summary>
    public required long MessageSequence { get; init; }

    /// <summary>Gets the text streamed so far.</summary>
    public required string Text { get; init; }

    /// <summary>Gets how many deltas <see cref="Text"/> covers: the index of the next delta to apply.</summary>
    public required int DeltaCount { get; init; }
}
