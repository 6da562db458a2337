using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using Conversations.Protocol;

namespace Conversations.Internal;

/// <summary>
/// The endpoints' spans and instruments, under the engine's names (<see cref="ConversationsDiagnostics.ActivitySourceName"/>,
/// <see cref="ConversationsDiagnostics.MeterName"/>): one <c>AddSource</c> and one <c>AddMeter</c> collect both.
/// </summary>
internal static class TransportTelemetry
{
    public const string WebSocket = "websocket";
    public const string Http = "http";

    private static readonly HashSet<string> s_commands = new(StringComparer.Ordinal)
    {
        CommandTypes.Ping, CommandTypes.RoomsCreate, CommandTypes.RoomsDirect, CommandTypes.RoomsGet, CommandTypes.RoomsList,
        CommandTypes.RoomsSubscribe, CommandTypes.RoomsUnsubscribe, CommandTypes.ParticipantsAdd, CommandTypes.ParticipantsUpdate,
        CommandTypes.ParticipantsRemove, CommandTypes.ParticipantsList, CommandTypes.ConversationsCreate, CommandTypes.ConversationsGet,
        CommandTypes.ConversationsList, CommandTypes.MessagesPost, CommandTypes.MessagesEdit, CommandTypes.MessagesDelete,
        CommandTypes.MessagesHistory, CommandTypes.Subscribe, CommandTypes.Unsubscribe, CommandTypes.Typing, CommandTypes.Read,
        CommandTypes.ReadMarkers, CommandTypes.StreamBegin, CommandTypes.StreamAppend, CommandTypes.StreamComplete, CommandTypes.StreamFail,
        CommandTypes.MessagesStop, CommandTypes.MessagesRegenerate, CommandTypes.InboxGet, CommandTypes.InboxSubscribe, CommandTypes.InboxUnsubscribe,
        AssetCommandTypes.UploadBegin, AssetCommandTypes.UploadComplete, AssetCommandTypes.Get, AssetCommandTypes.Link, AssetCommandTypes.Move,
        AssetCommandTypes.Delete, AssetCommandTypes.List, AssetCommandTypes.FoldersCreate, AssetCommandTypes.FoldersMove, AssetCommandTypes.FoldersDelete,
    };

    private static readonly ConditionalWeakTable<ConnectionRegistry, object?> s_registries = [];

    public static ActivitySource Source { get; } = new(ConversationsDiagnostics.ActivitySourceName);

    public static Meter Meter { get; } = new(ConversationsDiagnostics.MeterName);

    public static UpDownCounter<long> ConnectionsOpen { get; } =
        Meter.CreateUpDownCounter<long>(ConversationsDiagnostics.ConnectionsOpen, "{connection}", "Open WebSocket connections.");

    public static Counter<long> Deliveries { get; } =
        Meter.CreateCounter<long>(ConversationsDiagnostics.Deliveries, "{event}", "Events written to WebSocket connections.");

    public static Counter<long> WebSocketMessages { get; } =
        Meter.CreateCounter<long>(ConversationsDiagnostics.WebSocketMessages, "{message}", "WebSocket messages written to clients (several frames may share one).");

    public static Histogram<double> DeliveryLag { get; } =
        Meter.CreateHistogram<double>(ConversationsDiagnostics.DeliveryLag, "s", "Delay from an event's commit to the socket write that delivered it.");

    public static Histogram<double> CommandDuration { get; } =
        Meter.CreateHistogram<double>(ConversationsDiagnostics.CommandDuration, "s", "How long commands over the wire take.");

    public static ObservableGauge<long> SendQueueDepth { get; } = Meter.CreateObservableGauge(
        ConversationsDiagnostics.SendQueueDepth, () => Depths().Sum(), "{frame}", "Frames waiting in the send queues of all open connections.");

    public static ObservableGauge<long> SendQueueMaxDepth { get; } = Meter.CreateObservableGauge(
        ConversationsDiagnostics.SendQueueMaxDepth, () => Depths().DefaultIfEmpty().Max(), "{frame}", "The deepest send queue among the open connections.");

    /// <summary>Makes the registry's connections count in the send-queue gauges (for as long as the registry lives).</summary>
    public static void Track(ConnectionRegistry registry)
    {
        _ = SendQueueDepth;
        _ = SendQueueMaxDepth;
        s_registries.AddOrUpdate(registry, null);
    }

    /// <summary>Returns the command name for spans and metrics: a known command, or <c>unknown</c> (never a client's free text).</summary>
    public static string CommandName(string? type) => type is not null && s_commands.TryGetValue(type, out var known) ? known : "unknown";

    /// <summary>Starts the span of one command, named after it.</summary>
    public static Activity? StartCommand(string command, string transport, ActivityKind kind, ActivityContext parent, ActivityContext link)
    {
        var activity = Source.StartActivity(kind, parent, links: link == default ? null : [new ActivityLink(link)], name: command);
        if (activity is not null)
        {
            activity.SetTag(ConversationsDiagnostics.CommandTag, command);
            activity.SetTag(ConversationsDiagnostics.TransportTag, transport);
            activity.SetTag("messaging.system", "conversations");
        }

        return activity;
    }

    /// <summary>Marks a failed command's span and returns the error code for the duration metric.</summary>
    public static void Failed(Activity? activity, string code, string message)
    {
        if (activity is not null)
        {
            activity.SetTag(ConversationsDiagnostics.ErrorTypeTag, code);
            activity.SetStatus(ActivityStatusCode.Error, message);
        }
    }

    public static void RecordCommand(string command, string transport, string? errorCode, TimeSpan elapsed)
    {
        if (!CommandDuration.Enabled)
        {
            return;
        }

        var tags = new TagList { { ConversationsDiagnostics.CommandTag, command }, { ConversationsDiagnostics.TransportTag, transport } };
        if (errorCode is not null)
        {
            tags.Add(ConversationsDiagnostics.ErrorTypeTag, errorCode);
        }

        CommandDuration.Record(elapsed.TotalSeconds, tags);
    }

    private static IEnumerable<long> Depths()
    {
        foreach (var (registry, _) in s_registries)
        {
            foreach (var depth in registry.QueueDepths())
            {
                yield return depth;
            }
        }
    }
}
