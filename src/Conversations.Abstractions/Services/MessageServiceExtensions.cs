using System.Runtime.CompilerServices;

namespace Conversations;

/// <summary>Convenience overloads for <see cref="IMessageService"/>.</summary>
public static class MessageServiceExtensions
{
    /// <summary>Posts a plain-text message.</summary>
    /// <param name="service">The message service.</param>
    /// <param name="caller">The sender.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="text">The text.</param>
    /// <param name="clientMessageId">The sender's own identifier for idempotent retries, if any.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stored message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="service"/> is <see langword="null"/>.</exception>
    public static Task<Message> PostTextAsync(
        this IMessageService service,
        Account caller,
        string conversationId,
        string text,
        string? clientMessageId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        return service.PostAsync(caller, conversationId, new PostMessageRequest { Text = text, ClientMessageId = clientMessageId }, cancellationToken);
    }

    /// <summary>
    /// Streams a message from a sequence of chunks: posts it with the first chunk, publishes each chunk as
    /// a delta, and stores the whole text once at the end. If the chunks throw or the token is cancelled,
    /// the message ends <see cref="MessageStatus.Failed"/> with the text so far and the exception propagates.
    /// </summary>
    /// <param name="service">The message service.</param>
    /// <param name="caller">The sender.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="chunks">The chunks of text.</param>
    /// <param name="request">The message's format, data and reply-to; <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The completed message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="service"/> or <paramref name="chunks"/> is <see langword="null"/>.</exception>
    public static async Task<Message> StreamAsync(
        this IMessageService service,
        Account caller,
        string conversationId,
        IAsyncEnumerable<string> chunks,
        StreamMessageRequest? request = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(chunks);

        var stream = await service.BeginStreamAsync(caller, conversationId, request, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await stream.WriteAllAsync(chunks, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a conversation's whole history, page by page, in ascending sequence order.</summary>
    /// <param name="service">The message service.</param>
    /// <param name="caller">The account asking.</param>
    /// <param name="conversationId">The conversation.</param>
    /// <param name="pageSize">The page size used for each read.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The messages.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="service"/> is <see langword="null"/>.</exception>
    public static async IAsyncEnumerable<Message> ReadAllAsync(
        this IMessageService service,
        Account caller,
        string conversationId,
        int pageSize = 100,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        long after = 0;
        while (true)
        {
            var page = await service.GetHistoryAsync(caller, conversationId, new HistoryQuery { After = after, Limit = pageSize }, cancellationToken).ConfigureAwait(false);
            foreach (var message in page.Messages)
            {
                yield return message;
                after = message.Sequence;
            }

            if (!page.HasMore || page.Messages.Count == 0)
            {
                yield break;
            }
        }
    }
}
