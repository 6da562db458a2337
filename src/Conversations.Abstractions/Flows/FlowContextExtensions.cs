namespace Conversations;

/// <summary>Convenience overloads for <see cref="FlowContext"/>.</summary>
public static class FlowContextExtensions
{
    /// <summary>Posts a plain-text reply as the agent.</summary>
    /// <param name="context">The flow context.</param>
    /// <param name="text">The text.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The stored message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> is <see langword="null"/>.</exception>
    public static Task<Message> ReplyAsync(this FlowContext context, string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.PostAsync(new PostMessageRequest { Text = text, ReplyToId = context.Trigger.Message?.Id }, cancellationToken);
    }

    /// <summary>
    /// Streams a reply as the agent from a sequence of chunks. If the chunks throw or the token is
    /// cancelled, the message ends <see cref="MessageStatus.Failed"/> with the text so far and the exception propagates.
    /// </summary>
    /// <param name="context">The flow context.</param>
    /// <param name="chunks">The chunks of text.</param>
    /// <param name="request">The message's format and data; <see langword="null"/> to reply to the trigger in plain text.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The completed message.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="context"/> or <paramref name="chunks"/> is <see langword="null"/>.</exception>
    public static async Task<Message> StreamReplyAsync(
        this FlowContext context,
        IAsyncEnumerable<string> chunks,
        StreamMessageRequest? request = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(chunks);

        request ??= new StreamMessageRequest { ReplyToId = context.Trigger.Message?.Id };
        var stream = await context.BeginStreamAsync(request, cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await stream.WriteAllAsync(chunks, cancellationToken).ConfigureAwait(false);
        }
    }
}
