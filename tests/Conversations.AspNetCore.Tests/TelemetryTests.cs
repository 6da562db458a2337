using System.Diagnostics;
using System.Net;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Conversations.AspNetCore.Tests;

/// <summary>
/// Traces and metrics over the wire, on real Kestrel, read through the OpenTelemetry SDK's in-memory exporter: one trace
/// from a command through the store write to the agent's flow and its reply; connections, deliveries, delivery lag,
/// send queues and command durations.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    private static readonly ActivitySource s_test = new("Conversations.AspNetCore.Tests");

    [Fact]
    public async Task WebSocketPost_OneTrace_FromTheCallerThroughTheCommandAndAppendToTheFlowAndItsReply()
    {
        var spans = new List<Activity>();
        using var tracing = Tracing(spans);
        await using var server = await TestServer.StartAsync(engine: b => b.AddFlowEngine(new EchoAgent()));
        var room = await server.Rooms.CreateRoomAsync(Account.System, new CreateRoomRequest
        {
            Name = "traced",
            Participants = [ParticipantSpec.User("alice", ParticipantRole.Owner), ParticipantSpec.Agent("bot")],
        });
        var conversation = await server.Conversations.CreateAsync(Account.System, room.Id);
        await using var alice = await server.ConnectClientAsync("alice");
        var flowEnded = new TaskCompletionSource<ActivityTraceId>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var flows = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConversationsDiagnostics.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
            ActivityStopped = a =>
            {
                if (a.OperationName == ConversationsDiagnostics.FlowSpanName && a.GetTagItem("conversations.trigger_sequence") is > 0L)
                {
                    flowEnded.TrySetResult(a.TraceId);
                }
            },
        };
        ActivitySource.AddActivityListener(flows);

        ActivityTraceId traceId;
        using (var caller = s_test.StartActivity("caller"))
        {
            traceId = caller!.TraceId;
            await alice.PostTextAsync(conversation.Id, "ping");
        }

        // The flow's span has ended (and so has its reply's): everything this trace holds is exported.
        (await flowEnded.Task.WaitAsync(TimeSpan.FromSeconds(60))).Should().Be(traceId);
        tracing.ForceFlush();

        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var caller2 = trace.Single(s => s.OperationName == "caller");
        var command = trace.Single(s => s.OperationName == "messages.post");
        var post = trace.Single(s => s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == command.SpanId);
        var flow = trace.Single(s => s.OperationName == ConversationsDiagnostics.FlowSpanName);
        trace.Should().ContainSingle(s => s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == flow.SpanId, "the agent's reply");

        command.ParentSpanId.Should().Be(caller2.SpanId, "the .NET client sends the caller's traceparent with the command");
        command.Kind.Should().Be(ActivityKind.Server);
        command.GetTagItem(ConversationsDiagnostics.TransportTag).Should().Be("websocket");
        command.GetTagItem(ConversationsDiagnostics.ConversationIdTag).Should().Be(conversation.Id);
        command.GetTagItem(ConversationsDiagnostics.ConnectionIdTag).Should().NotBeNull();
        flow.ParentSpanId.Should().Be(post.SpanId);
    }

    [Fact]
    public async Task WebSocketCommand_WithoutACallerTrace_IsARootLinkedToTheHandshake_AndAFailureCarriesItsCode()
    {
        var spans = new List<Activity>();
        using var tracing = Tracing(spans);
        await using var server = await TestServer.StartAsync();
        using var socket = await server.ConnectRawAsync("alice");
        await socket.WelcomeAsync();

        (await socket.CommandAsync("""{"type":"conversations.get","id":"g1","conversationId":"missing"}""", "g1")).Code().Should().Be("not_found");
        (await socket.CommandAsync("""{"type":"no.such.thing","id":"u1"}""", "u1")).Code().Should().Be("invalid_argument");
        tracing.ForceFlush();

        var get = spans.Single(s => s.OperationName == "conversations.get");
        get.ParentSpanId.Should().Be(default(ActivitySpanId), "a command over a long-lived socket is a trace of its own");
        get.Links.Should().ContainSingle("it links to the handshake's span");
        get.Status.Should().Be(ActivityStatusCode.Error);
        get.GetTagItem(ConversationsDiagnostics.ErrorTypeTag).Should().Be("not_found");
        spans.Should().NotContain(s => s.OperationName == "no.such.thing", "span names never carry a client's free text");
    }

    [Fact]
    public async Task HttpPost_TheCommandSpanIsAChildOfTheRequest_AndTheParentOfTheAppend()
    {
        var spans = new List<Activity>();
        using var tracing = Tracing(spans);
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice");

        ActivityTraceId traceId;
        using (var caller = s_test.StartActivity("caller"))
        {
            traceId = caller!.TraceId;
            using var response = await server.Http.SendAsync(server.Request(HttpMethod.Post, $"/conversations/{conversation.Id}/messages", "alice", new { text = "over http" }));
            response.StatusCode.Should().Be(HttpStatusCode.Created);
        }

        tracing.ForceFlush();
        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var command = trace.Single(s => s.OperationName == "messages.post");
        command.GetTagItem(ConversationsDiagnostics.TransportTag).Should().Be("http");
        trace.Should().ContainSingle(s => s.SpanId == command.ParentSpanId && s.Kind == ActivityKind.Server, "ASP.NET Core's request span");
        trace.Should().ContainSingle(s => s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == command.SpanId);
    }

    [Fact]
    public async Task Metrics_ConnectionsDeliveriesLagSendQueuesAndCommands()
    {
        var metrics = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddMeter(ConversationsDiagnostics.MeterName).AddInMemoryExporter(metrics).Build();
        await using var server = await TestServer.StartAsync();
        var (_, conversation) = await server.CreateRoomAsync("alice", "bob");
        await server.Messages.PostTextAsync(Account.System, conversation.Id, "history");
        await using var alice = await server.ConnectClientAsync("alice");
        await using var bob = await server.ConnectClientAsync("bob");

        // Bob replays the history, then gets Alice's post live: two deliveries, one of them news.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var replayed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = Task.Run(async () =>
        {
            await foreach (var e in bob.SubscribeAsync(conversation.Id, 0, cancel.Token))
            {
                if (e is MessagePostedEvent { Message.Text: "history" })
                {
                    replayed.TrySetResult();
                }
                else if (e is MessagePostedEvent { Message.Text: "live" })
                {
                    return;
                }
            }
        });
        await replayed.Task.WaitAsync(cancel.Token);
        await alice.PostTextAsync(conversation.Id, "live");
        await reading;
        meters.ForceFlush();

        Points(metrics, ConversationsDiagnostics.ConnectionsOpen).Sum(p => p.GetSumLong()).Should().Be(2);
        var posted = new KeyValuePair<string, object?>(ConversationsDiagnostics.EventTypeTag, "conversation.message_posted");
        Points(metrics, ConversationsDiagnostics.Deliveries).Where(p => Tags(p).Contains(posted)).Sum(p => p.GetSumLong()).Should().Be(2);
        Points(metrics, ConversationsDiagnostics.DeliveryLag).Where(p => Tags(p).Contains(posted)).Sum(p => p.GetHistogramCount()).Should().Be(1, "replayed history is not lag");
        // Six or seven frames were written: two welcomes, two acks, two events, and the ack of bob's unsubscribe if it came
        // before the flush. Only bob's subscribe ack and the replayed event can share a message.
        Points(metrics, ConversationsDiagnostics.WebSocketMessages).Sum(p => p.GetSumLong()).Should().BeInRange(5, 7);
        Points(metrics, ConversationsDiagnostics.SendQueueDepth).Should().NotBeEmpty();
        Points(metrics, ConversationsDiagnostics.SendQueueMaxDepth).Should().NotBeEmpty();
        var post = Points(metrics, ConversationsDiagnostics.CommandDuration)
            .Where(p => Tags(p).Contains(new(ConversationsDiagnostics.CommandTag, "messages.post")))
            .Should().ContainSingle().Subject;
        Tags(post).Should().Contain(new KeyValuePair<string, object?>(ConversationsDiagnostics.TransportTag, "websocket"));
        post.GetHistogramCount().Should().Be(1);
    }

    private static TracerProvider Tracing(List<Activity> spans) => Sdk.CreateTracerProviderBuilder()
        .AddSource(ConversationsDiagnostics.ActivitySourceName, "Microsoft.AspNetCore", s_test.Name)
        .SetSampler(new AlwaysOnSampler())
        .AddInMemoryExporter(spans)
        .Build()!;

    private static IEnumerable<MetricPoint> Points(List<Metric> metrics, string name)
    {
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                yield return point;
            }
        }
    }

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    private sealed class EchoAgent : IFlowEngine
    {
        public async ValueTask RunAsync(FlowContext context, CancellationToken cancellationToken)
        {
            if (context.Trigger.Message is { } message)
            {
                await context.ReplyAsync("echo: " + message.Text, cancellationToken);
            }
        }
    }
}
