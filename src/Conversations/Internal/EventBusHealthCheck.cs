using Conversations.Transport;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Conversations.Internal;

/// <summary>
/// The event bus accepts a subscription: it completes once the subscription is live, which for a bus between hosts means
/// it is connected. The probe subscribes to a conversation no one uses and publishes nothing.
/// </summary>
internal sealed class EventBusHealthCheck(ConversationEventBus bus) : IHealthCheck
{
    private static readonly EventBusFilter s_probe = new() { ConversationId = "~conversations-health-probe" };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["bus"] = bus.GetType().Name };
        try
        {
            using var subscription = await bus.SubscribeAsync(s_probe, 1, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("The event bus accepts subscriptions.", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The event bus refused a subscription: {e.Message}", e, data);
        }
    }
}
