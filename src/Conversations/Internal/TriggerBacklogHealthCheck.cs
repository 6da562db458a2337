using System.Globalization;
using Conversations.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Conversations.Internal;

/// <summary>
/// Agent work is not stuck: the oldest pending flow trigger (<see cref="ConversationStore.GetTriggerBacklogAsync"/>) is younger
/// than <see cref="ConversationsHealthCheckOptions.TriggerDegradedAfter"/> (healthy), than
/// <see cref="ConversationsHealthCheckOptions.TriggerStuckAfter"/> (degraded), or older (the failure status).
/// </summary>
internal sealed class TriggerBacklogHealthCheck(ConversationStore store, TimeProvider time, IOptions<ConversationsHealthCheckOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        TriggerBacklog backlog;
        try
        {
            backlog = await store.GetTriggerBacklogAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The trigger backlog could not be read: {e.Message}", e);
        }

        var data = new Dictionary<string, object> { ["pending"] = backlog.Pending };
        if (backlog.OldestCreatedAt is not { } oldest)
        {
            return HealthCheckResult.Healthy("No agent work is waiting.", data);
        }

        var age = time.GetUtcNow() - oldest;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        data["oldestAgeSeconds"] = Math.Round(age.TotalSeconds, 3);
        var settings = options.Value;
        var summary = string.Create(CultureInfo.InvariantCulture, $"{backlog.Pending} flow trigger(s) pending; the oldest has waited {age.TotalSeconds:0.#} s");
        if (age >= settings.TriggerStuckAfter)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"{summary}, over {settings.TriggerStuckAfter}: agent work is stuck.", data: data);
        }

        return age >= settings.TriggerDegradedAfter
            ? HealthCheckResult.Degraded($"{summary}, over {settings.TriggerDegradedAfter}: agents are falling behind.", data: data)
            : HealthCheckResult.Healthy(summary + ".", data);
    }
}
