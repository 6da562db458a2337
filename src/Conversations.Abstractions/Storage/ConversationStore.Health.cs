namespace Conversations.Storage;

/// <content>The health probe.</content>
public abstract partial class ConversationStore
{
    /// <summary>The room id the default probe reads; no room has it.</summary>
    private const string ProbeRoomId = "~conversations-health-probe";

    /// <summary>
    /// Checks, for health checks, that the store answers and, where the provider can tell, that it can take a write now.
    /// Changes nothing. The default reads a room that does not exist and returns <see cref="StoreProbeResult.Readable"/>;
    /// providers override it to prove writes too (a database takes and releases its write lock, say).
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests.</param>
    /// <returns>What the probe proved.</returns>
    /// <exception cref="UnavailableException">The store cannot be reached, or cannot take writes.</exception>
    public virtual async ValueTask<StoreProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        _ = await GetRoomAsync(ProbeRoomId, cancellationToken).ConfigureAwait(false);
        return StoreProbeResult.Readable;
    }
}
