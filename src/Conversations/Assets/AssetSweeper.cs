using Conversations.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>
/// Removes lapsed upload reservations and deleted assets: their bytes first, then their records. It works from the
/// store's rows, a bounded batch at a time, and never lists the blob store. Runs every
/// <see cref="AssetOptions.SweepInterval"/> while the host runs; <see cref="SweepAsync"/> runs one batch on demand.
/// </summary>
/// <remarks>Thread-safe. Several hosts may sweep the same store: each removal is conditional.</remarks>
public sealed class AssetSweeper
{
    private readonly EngineCore _core;
    private readonly AssetService _service;
    private readonly AssetOptions _options;
    private readonly ILogger<AssetSweeper> _logger;

    internal AssetSweeper(EngineCore core, AssetService service, IOptions<AssetOptions> options, ILogger<AssetSweeper> logger)
    {
        _core = core;
        _service = service;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Removes up to <see cref="AssetOptions.SweepBatchSize"/> lapsed reservations and deleted assets.</summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>How many assets were removed.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var due = await _core.Store.GetAssetsToSweepAsync(_core.Now, _options.SweepBatchSize, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var asset in due)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // A pending asset is claimed first, so a late completion cannot make it ready while its bytes go.
            var claimed = asset.Status == AssetStatus.Deleting
                || await _core.Store.MarkAssetDeletingAsync(asset.Id, AssetStatus.Pending, cancellationToken).ConfigureAwait(false);
            if (claimed && await _service.TryRemoveAsync(asset.Id).ConfigureAwait(false))
            {
                removed++;
            }
        }

        if (removed > 0)
        {
            AssetMetrics.Swept(removed);
            Log.AssetsSwept(_logger, removed);
        }

        return removed;
    }

    /// <summary>Sweeps every <see cref="AssetOptions.SweepInterval"/> until <paramref name="stopping"/> is cancelled.</summary>
    internal async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.SweepInterval, _core.Time, stopping).ConfigureAwait(false);
                await SweepAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.AssetSweepFailed(_logger, e);
            }
        }
    }
}
