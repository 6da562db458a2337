using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Conversations;

/// <summary>
/// The names under which the engine reports traces and metrics. Listen with OpenTelemetry
/// (<c>AddSource(ConversationsDiagnostics.ActivitySourceName)</c>, <c>AddMeter(ConversationsDiagnostics.MeterName)</c>).
/// </summary>
public static partial class ConversationsDiagnostics
{
    /// <summary>The name of the engine's <see cref="ActivitySource"/>.</summary>
    public const string ActivitySourceName = "Conversations";

    /// <summary>The name of the engine's <see cref="Meter"/>.</summary>
    public const string MeterName = "Conversations";

    /// <summary>Counter of messages stored by posts and stream starts (idempotent repeats excluded).</summary>
    public const string MessagesPosted = "conversations.messages.posted";

    /// <summary>Counter of flow runs, tagged <c>outcome</c> = <c>completed</c>, <c>failed</c>, <c>timeout</c>, <c>cancelled</c> or <c>lease_lost</c>.</summary>
    public const string FlowRuns = "conversations.flows.runs";

    /// <summary>Counter of times a subscriber fell behind and re-read the log from the store.</summary>
    public const string SubscriberCatchUps = "conversations.subscribers.catch_ups";

    /// <summary>Histogram of flow run durations in seconds, tagged <c>outcome</c>.</summary>
    public const string FlowDuration = "conversations.flows.duration";

    /// <summary>Counter of events dropped on their way to the bus because too many publishes were waiting.</summary>
    public const string PublishesDropped = "conversations.bus.publishes_dropped";

    /// <summary>
    /// Counter of log events dropped from the event handlers' full queue; the handlers read them back from the store once
    /// the queue empties.
    /// </summary>
    public const string HandlerEventsDropped = "conversations.handlers.events_dropped";

    /// <summary>Counter of completed uploads.</summary>
    public const string AssetsUploaded = "conversations.assets.uploaded";

    /// <summary>Counter of the bytes of completed uploads.</summary>
    public const string AssetBytesUploaded = "conversations.assets.uploaded_bytes";

    /// <summary>Counter of asset download links handed out.</summary>
    public const string AssetLinksIssued = "conversations.assets.links_issued";

    /// <summary>Counter of lapsed reservations and deleted assets whose bytes and records the sweeper removed.</summary>
    public const string AssetsSwept = "conversations.assets.swept";

    internal static ActivitySource ActivitySource { get; } = new(ActivitySourceName);

    internal static Meter Meter { get; } = new(MeterName);

    internal static Counter<long> MessagesPostedCounter { get; } = Meter.CreateCounter<long>(MessagesPosted, "{message}", "Messages stored by posts and stream starts.");

    internal static Counter<long> FlowRunsCounter { get; } = Meter.CreateCounter<long>(FlowRuns, "{run}", "Flow runs by outcome.");

    internal static Counter<long> SubscriberCatchUpsCounter { get; } = Meter.CreateCounter<long>(SubscriberCatchUps, "{catch_up}", "Subscribers that re-read missed log entries from the store.");

    internal static Histogram<double> FlowDurationHistogram { get; } = Meter.CreateHistogram<double>(FlowDuration, "s", "How long flow runs take.");

    internal static Counter<long> HandlerEventsDroppedCounter { get; } = Meter.CreateCounter<long>(HandlerEventsDropped, "{event}", "Log events dropped from the event handlers' full queue, read back from the store later.");

    internal static Counter<long> PublishesDroppedCounter { get; } = Meter.CreateCounter<long>(PublishesDropped, "{event}", "Events dropped before the bus because too many publishes were waiting.");
}
