namespace Conversations.Internal;

/// <summary>
/// An <see cref="IMessageService"/> that takes a rate-limit permit before each post, stream start, regeneration and stream append, and
/// otherwise passes every call through. A refused call throws before the inner service runs, so it changes nothing.
/// </summary>
/// <remarks>
/// Compiled into the engine (per-account permits) and the ASP.NET Core endpoints (per-connection permits); the permit
/// source is the <paramref name="acquire"/> delegate.
/// </remarks>
internal sealed class RateLimitedMessageService(IMessageService inner, Action<Account, RateLimitOperation> acquire) : IMessageService
{
    public Task<Message> PostAsync(Account caller, string conversationId, PostMessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        acquire(caller, RateLimitOperation.Posts);
        return inner.PostAsync(caller, conversationId, request, cancellationToken);
    }

    public async Task<MessageStream> BeginStreamAsync(Account caller, string conversationId, StreamMessageRequest? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        acquire(caller, RateLimitOperation.Posts);
        var stream = await inner.BeginStreamAsync(caller, conversationId, request, cancellationToken).ConfigureAwait(false);
        return new RateLimitedMessageStream(stream, caller, acquire);
    }

    public Task<Message> EditAsync(Account caller, string conversationId, string messageId, EditMessageRequest request, CancellationToken cancellationToken = default) =>
        inner.EditAsync(caller, conversationId, messageId, request, cancellationToken);

    public Task<Message> DeleteAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(caller, conversationId, messageId, cancellationToken);

    public Task<MessagePage> GetHistoryAsync(Account caller, string conversationId, HistoryQuery? query = null, CancellationToken cancellationToken = default) =>
        inner.GetHistoryAsync(caller, conversationId, query, cancellationToken);

    public IAsyncEnumerable<ConversationEvent> SubscribeAsync(Account caller, string conversationId, long afterSequence = 0, CancellationToken cancellationToken = default) =>
        inner.SubscribeAsync(caller, conversationId, afterSequence, cancellationToken);

    public Task<Message> StopAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default) =>
        inner.StopAsync(caller, conversationId, messageId, cancellationToken);

    /// <summary>A regeneration has the agent post a new reply on the caller's behalf, so it counts as one of the caller's posts.</summary>
    public Task<Message> RegenerateAsync(Account caller, string conversationId, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        acquire(caller, RateLimitOperation.Posts);
        return inner.RegenerateAsync(caller, conversationId, messageId, cancellationToken);
    }
}
