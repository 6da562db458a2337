namespace Conversations.Storage;

/// <content>Forwards the health probe.</content>
public partial class DelegatingConversationStore
{
    /// <inheritdoc />
    public override ValueTask<StoreProbeResult> ProbeAsync(CancellationToken cancellationToken) => InnerStore.ProbeAsync(cancellationToken);
}
