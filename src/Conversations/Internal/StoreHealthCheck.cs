using Conversations.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Conversations.Internal;

/// <summary>The store answers and, where the provider can tell, can take a write now (<see cref="ConversationStore.ProbeAsync"/>).</summary>
internal sealed class StoreHealthCheck(ConversationStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["store"] = store.GetType().Name };
        try
        {
            var probe = await store.ProbeAsync(cancellationToken).ConfigureAwait(false);
            data["writable"] = probe == StoreProbeResult.Writable ? "yes" : "not checked";
            return HealthCheckResult.Healthy(
                probe == StoreProbeResult.Writable ? "The store answers and can take writes." : "The store answers (this provider does not check writes).",
                data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The store failed its probe: {e.Message}", e, data);
        }
    }
}
