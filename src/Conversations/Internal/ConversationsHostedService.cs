using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>
/// Starts the engine: prepares the store, subscribes the engine to the bus, recovers streams whose writer is gone, and
/// starts the flow dispatcher and the periodic sweep. At shutdown, drains flows and handlers.
/// </summary>
internal sealed class ConversationsHostedService(
    EngineCore core,
    EngineEventListener listener,
    FlowDispatcher flows,
    EventHandlerDispatcher handlers,
    StreamRecovery recovery,
    TriggerBacklogSampler backlog,
    ILogger<ConversationsHostedService> logger) : IHostedService, IAsyncDisposable, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _sweep;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await core.Store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await listener.StartAsync(cancellationToken).ConfigureAwait(false);
        handlers.Start();
        await recovery.SweepAsync(cancellationToken).ConfigureAwait(false);
        flows.Start();
        backlog.Start();
        _sweep = core.Time.CreateTimer(static s => ((ConversationsHostedService)s!).Sweep(), this, core.Options.PollInterval, core.Options.PollInterval);
        Log.EngineStarted(logger, core.OwnerId);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_sweep is not null)
        {
            await _sweep.DisposeAsync().ConfigureAwait(false);
        }

        await backlog.DisposeAsync().ConfigureAwait(false);
        await flows.StopAsync(cancellationToken).ConfigureAwait(false);
        await handlers.StopAsync(cancellationToken).ConfigureAwait(false);
        await listener.StopAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_sweep is not null)
        {
            await _sweep.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    public void Dispose()
    {
        _sweep?.Dispose();
        _stopping.Dispose();
    }

    private void Sweep() => _ = SweepAsync();

    private async Task SweepAsync()
    {
        try
        {
            await recovery.SweepAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
        }
#pragma warning disable CA1031 // The store may be down: the next sweep tries again.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.SweepFailed(logger, ex);
        }
    }
}
