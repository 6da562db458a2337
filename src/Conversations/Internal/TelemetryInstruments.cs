using System.Diagnostics.Metrics;

namespace Conversations.Internal;

/// <summary>
/// Instruments added beside the ones <see cref="ConversationsDiagnostics"/> declares itself, on the same meter. A type of
/// their own, so they are created after the meter whatever the order of the partial files.
/// </summary>
internal static class TelemetryInstruments
{
    public static Counter<long> RateLimitRefusals { get; } =
        ConversationsDiagnostics.Meter.CreateCounter<long>(ConversationsDiagnostics.RateLimitRefusals, "{call}", "Calls refused by a rate limit.");

    public static ObservableGauge<long> TriggersPending { get; } = ConversationsDiagnostics.Meter.CreateObservableGauge(
        ConversationsDiagnostics.TriggersPending, TriggerBacklogSampler.ObservePending, "{trigger}", "Agent triggers not yet done, sampled from the store.");

    public static ObservableGauge<double> TriggersOldestAge { get; } = ConversationsDiagnostics.Meter.CreateObservableGauge(
        ConversationsDiagnostics.TriggersOldestAge, TriggerBacklogSampler.ObserveOldestAge, "s", "How long the oldest pending agent trigger has waited.");
}
