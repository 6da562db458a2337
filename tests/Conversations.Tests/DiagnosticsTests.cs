using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Conversations.Testing;
using static Conversations.Tests.TestSupport;

namespace Conversations.Tests;

public sealed class DiagnosticsTests
{
    [Fact]
    public async Task Meter_CountsPostsAndFlowOutcomes()
    {
        var measurements = new ConcurrentBag<(string Instrument, long Value, string? Outcome)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ConversationsDiagnostics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? outcome = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            measurements.Add((instrument.Name, value, outcome));
        });
        listener.Start();

        await using var host = await ConversationsTestHost.StartAsync(b => Microsoft.Extensions.DependencyInjection.OptionsServiceCollectionExtensions.Configure<ConversationsOptions>(b.Services, o => o.MaxFlowAttempts = 1));
        host.FlowEngine.Throw(() => new InvalidOperationException("nope"));
        var alice = Account.User("alice");
        var (_, conversation) = await RoomWithConversationAsync(host, alice, ParticipantSpec.Agent("bot"));
        await host.Messages.PostTextAsync(alice, conversation.Id, "hi");
        await host.WhenFlowsIdleAsync(Timeout());

        // Other tests run in parallel and report to the same meter, hence "at least".
        measurements.Count(m => m.Instrument == ConversationsDiagnostics.MessagesPosted).Should().BeGreaterThanOrEqualTo(1);
        measurements.Count(m => m.Instrument == ConversationsDiagnostics.FlowRuns && m.Outcome == "failed").Should().BeGreaterThanOrEqualTo(2);
    }
}
