namespace Conversations.Storage;

public abstract partial class ConversationStore
{
    /// <summary>
    /// Lists messages whose status is <see cref="MessageStatus.Streaming"/>, with their owners' leases, for recovery.
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The streaming messages.</returns>
    public abstract ValueTask<IReadOnlyList<StreamingMessage>> GetStreamingMessagesAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores the text a streaming message has reached and renews its owner's lease, without taking a sequence: the
    /// message's <see cref="Message.LastSequence"/> does not change. Written only while the message is streaming and
    /// <see cref="StreamCheckpoint.Owner"/> still owns it.
    /// </summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see langword="false"/> when the message is no longer streaming or has another owner (nothing is stored).</returns>
    public abstract ValueTask<bool> CheckpointStreamAsync(StreamCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>
    /// Fails a streaming message whose owner's lease ended before <paramref name="now"/> (or that has no owner): stores it
    /// as <see cref="MessageStatus.Failed"/> with its checkpointed text at the conversation's next sequence, atomically
    /// with the check. A live stream — lease not yet ended — is never touched.
    /// </summary>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="messageId">The message.</param>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>The failed message, or <see langword="null"/> when it is not streaming or its lease still holds.</returns>
    public abstract ValueTask<Message?> ExpireStreamAsync(string conversationId, string messageId, DateTimeOffset now, CancellationToken cancellationToken);
}
