namespace Conversations.Storage;

public partial class DelegatingConversationStore
{
    /// <inheritdoc />
    public override ValueTask<IReadOnlyList<InboxRoomState>> GetInboxAsync(string accountId, CancellationToken cancellationToken) => InnerStore.GetInboxAsync(accountId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<InboxRoomState?> GetInboxRoomAsync(string accountId, string roomId, CancellationToken cancellationToken) => InnerStore.GetInboxRoomAsync(accountId, roomId, cancellationToken);

    /// <inheritdoc />
    public override ValueTask<UpdateResult> UpdateMessageWithTriggerAsync(Message message, TriggerSpec trigger, CancellationToken cancellationToken) => InnerStore.UpdateMessageWithTriggerAsync(message, trigger, cancellationToken);
}
