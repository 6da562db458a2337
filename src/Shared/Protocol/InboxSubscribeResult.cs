namespace Conversations.Protocol;

/// <summary>The result of <c>inbox.subscribe</c>: the subscription's name in event frames. The entries follow as events.</summary>
internal sealed class InboxSubscribeResult
{
    public string Subscription { get; set; } = SubscriptionNames.Inbox;
}
