namespace Conversations.Internal;

internal sealed partial class RoomService
{
    public Task<InboxPage> GetInboxAsync(Account caller, InboxQuery? query = null, CancellationToken cancellationToken = default) =>
        inbox.GetPageAsync(caller, query, cancellationToken);

    public IAsyncEnumerable<InboxEvent> SubscribeInboxAsync(Account caller, IReadOnlyDictionary<string, long>? knownVersions = null, CancellationToken cancellationToken = default)
    {
        // Checked here, at the call, so transports can refuse bad input before they acknowledge the subscription.
        var held = inbox.ValidateSubscription(caller, knownVersions);
        return inbox.SubscribeAsync(caller, held, cancellationToken);
    }
}
