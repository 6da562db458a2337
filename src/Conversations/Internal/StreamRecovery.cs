using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Fails streams whose writer is gone (invariant 8): a streaming message whose owner's lease ended is stored as failed
/// with the text checkpointed so far. A live stream — of this engine or any other — is never touched: its owner keeps
/// renewing the lease. Runs at start-up and every <see cref="ConversationsOptions.PollInterval"/>.
/// </summary>
internal sealed class StreamRecovery(EngineCore core, MessageService messages, StreamRegistry streams, ILogger<StreamRecovery> logger)
{
    private int _sweeping;

    /// <summary>Looks for streams whose lease ended and fails them. Overlapping calls return at once.</summary>
    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _sweeping, 1) == 1)
        {
            return;
        }

        try
        {
            var now = core.Now;
            var open = await core.Store.GetStreamingMessagesAsync(cancellationToken).ConfigureAwait(false);
            foreach (var stream in open)
            {
                if (stream.LeaseExpiresAt is { } expires && expires >= now)
                {
                    continue;
                }

                var failed = await core.Store.ExpireStreamAsync(stream.Message.ConversationId, stream.Message.Id, now, cancellationToken).ConfigureAwait(false);
                if (failed is not null)
                {
                    Log.StreamRecovered(logger, failed.Id, failed.ConversationId, failed.Text.Length);
                    streams.Remove(failed.Id);
                    messages.Announce(Account.System.Id, failed);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _sweeping, 0);
        }
    }
}
