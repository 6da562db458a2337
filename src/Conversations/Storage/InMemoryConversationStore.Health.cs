using Conversations.Storage;

namespace Conversations;

/// <content>The health probe.</content>
public sealed partial class InMemoryConversationStore
{
    /// <summary>Always writable: the store is this process's memory.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns><see cref="StoreProbeResult.Writable"/>.</returns>
    public override ValueTask<StoreProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<StoreProbeResult>(cancellationToken) : new(StoreProbeResult.Writable);
}
