namespace Conversations.Storage;

/// <summary>The text a streaming message has reached, written by its owner without taking a sequence.</summary>
public sealed class StreamCheckpoint
{
    /// <summary>Gets the conversation.</summary>
    public required string ConversationId { get; init; }

    /// <summary>Gets the streaming message.</summary>
    public required string MessageId { get; init; }

    /// <summary>Gets the owner writing the stream; the checkpoint is refused unless it still owns it.</summary>
    public required string Owner { get; init; }

    /// <summary>Gets the text streamed so far: exactly the first <see cref="DeltaCount"/> deltas.</summary>
    public required string Text { get; init; }

    /// <summary>Gets how many deltas <see cref="Text"/> covers.</summary>
    public required int DeltaCount { get; init; }

    /// <summary>Gets the renewed end of the owner's lease.</summary>
    public required DateTimeOffset LeaseExpiresAt { get; init; }
}
