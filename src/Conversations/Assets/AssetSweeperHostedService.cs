using Microsoft.Extensions.Hosting;

namespace Conversations.Internal;

/// <summary>Runs the registered <see cref="AssetSweeper"/> with the host.</summary>
internal sealed class AssetSweeperHostedService(AssetSweeper sweeper) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => ((IHostedService)sweeper).StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => ((IHostedService)sweeper).StopAsync(cancellationToken);
}
