using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Conversations;

/// <summary>
/// Options of the checks added by <c>AddConversationsHealthChecks()</c>: <see cref="StoreCheckName"/>,
/// <see cref="EventBusCheckName"/> and <see cref="TriggerBacklogCheckName"/>. Validated when the host starts.
/// </summary>
public sealed class ConversationsHealthCheckOptions
{
    /// <summary>The name of the check that the store answers and can take writes.</summary>
    public const string StoreCheckName = "conversations.store";

    /// <summary>The name of the check that the event bus accepts subscriptions.</summary>
    public const string EventBusCheckName = "conversations.bus";

    /// <summary>The name of the check that agent work (flow triggers) is not stuck.</summary>
    public const string TriggerBacklogCheckName = "conversations.triggers";

    /// <summary>Gets the tags of the three checks, for filtering in <c>MapHealthChecks(..., new HealthCheckOptions { Predicate = ... })</c>.</summary>
    /// <value>The default is one tag, <c>conversations</c>.</value>
    public IList<string> Tags { get; } = ["conversations"];

    /// <summary>Gets or sets how long one check may take before it counts as failed.</summary>
    /// <value>The default value is 10 seconds. Must be more than zero and at most 5 minutes.</value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the status reported when a check fails (the store or bus does not answer, triggers are stuck).</summary>
    /// <value>The default value is <see cref="HealthStatus.Unhealthy"/>.</value>
    public HealthStatus FailureStatus { get; set; } = HealthStatus.Unhealthy;

    /// <summary>
    /// Gets or sets how long the oldest pending flow trigger may wait before the backlog check reports
    /// <see cref="HealthStatus.Degraded"/>: agents are falling behind.
    /// </summary>
    /// <value>The default value is 5 minutes. Must be more than zero and at most <see cref="TriggerStuckAfter"/>.</value>
    public TimeSpan TriggerDegradedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Gets or sets how long the oldest pending flow trigger may wait before the backlog check reports
    /// <see cref="FailureStatus"/>: agent work is stuck (no dispatcher runs it, or every run fails).
    /// </summary>
    /// <value>The default value is 15 minutes. Must be at least <see cref="TriggerDegradedAfter"/> and at most one day.</value>
    public TimeSpan TriggerStuckAfter { get; set; } = TimeSpan.FromMinutes(15);
}
