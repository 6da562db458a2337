namespace Conversations;

/// <summary>Convenience members for <see cref="MessageStream"/>.</summary>
public static class MessageStreamExtensions
{
    /// <summary>
    /// Appends every chunk, then completes the stream. If the chunks throw or the token is cancelled, the
    /// stream is failed with the text so far and the exception propagates. A stream that is already closed — in a
    /// flow, a reply an earlier attempt at the same trigger completed — is returned as it is, without reading the chunks.
    /// </summary>
    /// <param name="stream">The open stream.</param>
    /// <param name="chunks">The chunks of text.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The completed message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> or <paramref name="chunks"/> is <see langword="null"/>.</exception>
    public static async Task<Message> WriteAllAsync(this MessageStream stream, IAsyncEnumerable<string> chunks, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(chunks);
        if (stream.IsClosed)
        {
            return stream.Message;
        }

        try
        {
            await foreach (var chunk in chunks.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                await stream.AppendAsync(chunk, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (!stream.IsClosed)
            {
                await stream.FailAsync(CancellationToken.None).ConfigureAwait(false);
            }

            throw;
        }

        return await stream.CompleteAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
