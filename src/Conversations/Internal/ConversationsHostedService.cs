using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>Prepares the store and recovers interrupted streams at start-up; drains flows and handlers at shutdown.</summary>
internal sealed class ConversationsHostedService(
    EngineCore core,
    MessageService messages,
    FlowDispatcher flows,
    EventHandlerDispatcher handlers,
    ILogger<ConversationsHostedService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await core.Store.InitializeAsync(cancellationToken).ConfigureAwait(false);

        // Invariant 8: after a restart no message is left streaming. Its writer is gone; keep what arrived.
        var orphans = await core.Store.GetStreamingMessagesAsync(cancellationToken).ConfigureAwait(false);
        foreach (var orphan in orphans)
        {
            Log.StreamRecovered(logger, orphan.Id, orphan.ConversationId);
            var failed = orphan.With(status: MessageStatus.Failed);
            await messages.StoreChangeAsync(Account.System, failed, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await flows.StopAsync(cancellationToken).ConfigureAwait(false);
        await handlers.StopAsync(cancellationToken).ConfigureAwait(false);
    }
}
