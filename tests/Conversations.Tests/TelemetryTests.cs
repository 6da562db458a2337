using System.Diagnostics;
using Conversations.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Conversations.Tests;

/// <summary>The engine's spans and instruments, read through the OpenTelemetry SDK's in-memory exporter.</summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    private static readonly ActivitySource s_test = new("Conversations.Tests");
    private static readonly Account Alice = Account.User("alice");

    [Fact]
    public async Task Post_TheAgentsFlowContinuesItsTrace_AndTheReplyIsTheFlowsChild()
    {
        var spans = new List<Activity>();
        using var tracing = Tracing(spans);
        await using var host = await ConversationsTestHost.StartAsync();
        host.FlowEngine.ReplyWith(t => "pong: " + t.Message?.Text);
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.WhenFlowsIdleAsync(TestSupport.Timeout());

        ActivityTraceId traceId;
        Message ping;
        using (var caller = s_test.StartActivity("request"))
        {
            traceId = caller!.TraceId;
            ping = await host.Messages.PostTextAsync(Alice, conversation.Id, "ping");
        }

        await host.WhenFlowsIdleAsync(TestSupport.Timeout());
        tracing.ForceFlush();

        var trace = spans.Where(s => s.TraceId == traceId).ToList();
        var request = trace.Single(s => s.OperationName == "request");
        var post = trace.Single(s => s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == request.SpanId);
        var flow = trace.Single(s => s.OperationName == ConversationsDiagnostics.FlowSpanName);
        var reply = trace.Single(s => s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == flow.SpanId);

        flow.ParentSpanId.Should().Be(post.SpanId, "the flow run continues the trace of the write that recorded its trigger");
        post.Kind.Should().Be(ActivityKind.Producer);
        flow.Kind.Should().Be(ActivityKind.Consumer);
        post.GetTagItem(ConversationsDiagnostics.ConversationIdTag).Should().Be(conversation.Id);
        post.GetTagItem("messaging.operation.type").Should().Be("send");
        post.GetTagItem(ConversationsDiagnostics.SequenceTag).Should().Be(ping.Sequence);
        post.GetTagItem(ConversationsDiagnostics.MessageIdTag).Should().Be(ping.Id);
        flow.GetTagItem("messaging.operation.type").Should().Be("process");
        flow.GetTagItem("conversations.agent_id").Should().Be("bot");
        flow.GetTagItem("conversations.flow.outcome").Should().Be("completed");
        reply.GetTagItem(ConversationsDiagnostics.SequenceTag).Should().Be(ping.Sequence + 1);
        reply.GetTagItem(ConversationsDiagnostics.MessageIdTag).Should().NotBeNull();
    }

    [Fact]
    public async Task StreamedReply_IsTheFlowsChild_AndAFailedRunCarriesItsErrorType()
    {
        var spans = new List<Activity>();
        using var tracing = Tracing(spans);
        await using var host = await ConversationsTestHost.StartAsync();
        host.FlowEngine.StreamReply("one ", "two");
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.WhenFlowsIdleAsync(TestSupport.Timeout());

        ActivityTraceId streamed;
        using (var caller = s_test.StartActivity("streamed"))
        {
            streamed = caller!.TraceId;
            await host.Messages.PostTextAsync(Alice, conversation.Id, "stream to me");
        }

        await host.WhenFlowsIdleAsync(TestSupport.Timeout());
        host.FlowEngine.Throw(() => new InvalidOperationException("the model is down"));
        ActivityTraceId failing;
        using (var caller = s_test.StartActivity("failing"))
        {
            failing = caller!.TraceId;
            await host.Messages.PostTextAsync(Alice, conversation.Id, "fail for me");
        }

        await host.WhenFlowsIdleAsync(TestSupport.Timeout());
        tracing.ForceFlush();

        var flow = spans.Single(s => s.TraceId == streamed && s.OperationName == ConversationsDiagnostics.FlowSpanName);
        var reply = spans.Single(s => s.TraceId == streamed && s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == flow.SpanId);
        var history = await host.Messages.GetHistoryAsync(Alice, conversation.Id);
        var streamedReply = history.Messages.Single(m => m.Id == (string?)reply.GetTagItem(ConversationsDiagnostics.MessageIdTag));
        streamedReply.Text.Should().Be("one two", "the stream's first write is the reply's append");
        streamedReply.SenderId.Should().Be("bot");
        flow.GetTagItem("conversations.flow.outcome").Should().Be("completed");

        var failed = spans.Where(s => s.TraceId == failing && s.OperationName == ConversationsDiagnostics.FlowSpanName).Should().NotBeEmpty().And.Subject.First();
        failed.Status.Should().Be(ActivityStatusCode.Error);
        failed.GetTagItem("conversations.flow.outcome").Should().Be("failed");
        failed.GetTagItem(ConversationsDiagnostics.ErrorTypeTag).Should().Be(typeof(InvalidOperationException).FullName);
        spans.Should().NotContain(s => s.TraceId == failing && s.OperationName == ConversationsDiagnostics.AppendSpanName && s.ParentSpanId == failed.SpanId);
    }

    [Fact]
    public async Task Metrics_PostsFlowDurationTriggerBacklogAndRateLimitRefusals()
    {
        var metrics = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder()
            .AddMeter(ConversationsDiagnostics.MeterName)
            .AddInMemoryExporter(metrics)
            .Build();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.Configure<ConversationsOptions>(o => o.FlowTimeout = null);
            b.AddRateLimiting(o => o.PerAccount.Posts = new RateLimitRule(2, TimeSpan.FromHours(1)));
        });
        host.FlowEngine.OnTrigger(async (_, ct) => await release.Task.WaitAsync(ct));
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, Alice, ParticipantSpec.Agent("bot"));
        await host.Messages.PostTextAsync(Alice, conversation.Id, "one");
        await host.Messages.PostTextAsync(Alice, conversation.Id, "two");
        await FluentActions.Awaiting(() => host.Messages.PostTextAsync(Alice, conversation.Id, "three")).Should().ThrowAsync<LimitExceededException>();

        // The backlog is sampled every 15 s of the engine's clock while someone listens.
        host.Time.Advance(TimeSpan.FromSeconds(20));
        meters.ForceFlush();
        Gauge(metrics, ConversationsDiagnostics.TriggersPending).Should().BeGreaterThanOrEqualTo(1);
        GaugeDouble(metrics, ConversationsDiagnostics.TriggersOldestAge).Should().BeGreaterThanOrEqualTo(15);
        Sum(metrics, ConversationsDiagnostics.MessagesPosted).Should().Be(2);
        var refusal = Points(metrics, ConversationsDiagnostics.RateLimitRefusals).Single();
        refusal.GetSumLong().Should().Be(1);
        Tags(refusal).Should().Contain(new KeyValuePair<string, object?>(ConversationsDiagnostics.OperationTag, "posts"))
            .And.Contain(new KeyValuePair<string, object?>(ConversationsDiagnostics.ScopeTag, "account"));

        release.SetResult();
        await host.WhenFlowsIdleAsync(TestSupport.Timeout());
        host.Time.Advance(TimeSpan.FromSeconds(15));
        metrics.Clear();
        meters.ForceFlush();
        Gauge(metrics, ConversationsDiagnostics.TriggersPending).Should().Be(0);
        GaugeDouble(metrics, ConversationsDiagnostics.TriggersOldestAge).Should().Be(0);
        var runs = Points(metrics, ConversationsDiagnostics.FlowDuration).Single(p => Tags(p).Contains(new("outcome", "completed")));
        runs.GetHistogramCount().Should().Be(3, "the conversation-created trigger and the two posts each ran once");
    }

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

    private static long Gauge(List<Metric> metrics, string name) => Points(metrics, name).Last().GetGaugeLastValueLong();

    private static double GaugeDouble(List<Metric> metrics, string name) => Points(metrics, name).Last().GetGaugeLastValueDouble();

    private static long Sum(List<Metric> metrics, string name) => Points(metrics, name).Sum(p => p.GetSumLong());

    private static List<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags)
        {
            tags.Add(tag);
        }

        return tags;
    }

    /// <summary>Every span of the engine and of this test's caller, kept in memory.</summary>
    private static TracerProvider Tracing(List<Activity> spans) => Sdk.CreateTracerProviderBuilder()
        .AddSource(ConversationsDiagnostics.ActivitySourceName, s_test.Name)
        .SetSampler(new AlwaysOnSampler())
        .AddInMemoryExporter(spans)
        .Build();
}
