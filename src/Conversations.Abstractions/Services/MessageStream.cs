namespace Conversations;

/// <summary>
/// A message being streamed. Append chunks, then complete it (status <see cref="MessageStatus.Complete"/>)
/// or fail it (status <see cref="MessageStatus.Failed"/>, with the text so far).
/// </summary>
/// <remarks>
/// A stream is used by one writer at a time; its members are not safe to call concurrently. Disposing a
/// stream that was neither completed nor failed fails it.
/// </remarks>
public abstract class MessageStream : IAsyncDisposable
{
    /// <summary>Gets the message as posted when the stream started.</summary>
    public abstract Message Message { get; }

    /// <summary>Gets the text appended so far.</summary>
    public abstract string Text { get; }

    /// <summary>Gets a value indicating whether the stream was completed or failed.</summary>
    public abstract bool IsClosed { get; }

    /// <summary>Appends a chunk and publishes it as a <c>conversation.message_delta</c> event.</summary>
    /// <param name="delta">The chunk; empty chunks are ignored.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the chunk is published.</returns>
    /// <exception cref="ConflictException">The stream is closed.</exception>
    /// <exception cref="LimitExceededException">The text would exceed the configured maximum length.</exception>
    public abstract Task AppendAsync(string delta, CancellationToken cancellationToken = default);

    /// <summary>Stores the whole text once and marks the message <see cref="MessageStatus.Complete"/>.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The completed message.</returns>
    /// <exception cref="ConflictException">The stream is closed.</exception>
    public abstract Task<Message> CompleteAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the whole text once, replaces the message's structured data (for example with token usage known
    /// only at the end), and marks the message <see cref="MessageStatus.Complete"/>.
    /// </summary>
    /// <param name="data">The message's structured data; a JSON object or array within the configured size.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The completed message.</returns>
    /// <exception cref="ConflictException">The stream is closed.</exception>
    /// <exception cref="InvalidArgumentException"><paramref name="data"/> is not a JSON object or array; the stream stays open.</exception>
    /// <exception cref="LimitExceededException"><paramref name="data"/> is over the size limit; the stream stays open.</exception>
    public abstract Task<Message> CompleteAsync(System.Text.Json.JsonElement data, CancellationToken cancellationToken = default);

    /// <summary>Stores the text so far and marks the message <see cref="MessageStatus.Failed"/>.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The failed message.</returns>
    /// <exception cref="ConflictException">The stream is closed.</exception>
    public abstract Task<Message> FailAsync(CancellationToken cancellationToken = default);

    /// <summary>Fails the stream if it is still open.</summary>
    /// <returns>A task that completes when the stream is closed.</returns>
    public virtual async ValueTask DisposeAsync()
    {
        if (!IsClosed)
        {
            await FailAsync(CancellationToken.None).ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}
