using Conversations.Storage;
using Conversations.Testing;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Conversations.Tests;

/// <summary>AddConversationsHealthChecks: the store answers and takes writes, the bus is connected, agent work is not stuck.</summary>
public sealed class HealthCheckTests
{
    [Fact]
    public async Task AFreshEngine_IsHealthy_OnAllThreeChecks()
    {
        await using var host = await ConversationsTestHost.StartAsync(b => b.Services.AddHealthChecks().AddConversationsHealthChecks());

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        report.Status.Should().Be(HealthStatus.Healthy);
        report.Entries.Keys.Should().BeEquivalentTo(
            ConversationsHealthCheckOptions.StoreCheckName, ConversationsHealthCheckOptions.EventBusCheckName, ConversationsHealthCheckOptions.TriggerBacklogCheckName);
        report.Entries.Values.Should().OnlyContain(e => e.Tags.Contains("conversations"));
        report.Entries[ConversationsHealthCheckOptions.StoreCheckName].Data["writable"].Should().Be("yes");
        report.Entries[ConversationsHealthCheckOptions.TriggerBacklogCheckName].Data["pending"].Should().Be(0L);
    }

    [Fact]
    public async Task TriggerBacklog_APendingTrigger_IsCountedAndAgesIntoDegradedThenUnhealthy()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await ConversationsTestHost.StartAsync(b =>
        {
            b.Services.Configure<ConversationsOptions>(o => o.FlowTimeout = null);
            b.Services.AddHealthChecks().AddConversationsHealthChecks(o =>
            {
                o.TriggerDegradedAfter = TimeSpan.FromMinutes(1);
                o.TriggerStuckAfter = TimeSpan.FromMinutes(3);
            });
        });
        host.FlowEngine.OnTrigger(async (_, ct) => await release.Task.WaitAsync(ct));
        var alice = Account.User("alice");
        var (_, conversation) = await TestSupport.RoomWithConversationAsync(host, alice, ParticipantSpec.Agent("bot", autoRespond: true));
        await host.Messages.PostTextAsync(alice, conversation.Id, "hello");
        var health = host.Services.GetRequiredService<HealthCheckService>();

        var fresh = await BacklogAsync(health);
        fresh.Status.Should().Be(HealthStatus.Healthy);
        ((long)fresh.Data["pending"]).Should().BeGreaterThan(0);

        host.Time.Advance(TimeSpan.FromMinutes(2));
        (await BacklogAsync(health)).Status.Should().Be(HealthStatus.Degraded);

        host.Time.Advance(TimeSpan.FromMinutes(2));
        var stuck = await BacklogAsync(health);
        stuck.Status.Should().Be(HealthStatus.Unhealthy);
        stuck.Description.Should().Contain("stuck");

        release.SetResult();
        await host.WhenFlowsIdleAsync(TestSupport.Timeout());
        var settled = await BacklogAsync(health);
        settled.Status.Should().Be(HealthStatus.Healthy);
        settled.Data["pending"].Should().Be(0L);
    }

    [Fact]
    public async Task Store_FailingItsProbe_IsUnhealthy_AndSaysWhy()
    {
        using var provider = Provider(s => s.Replace(ServiceDescriptor.Singleton<ConversationStore>(
            new TestStore(new InMemoryConversationStore(TimeProvider.System)) { ProbeFailure = new UnavailableException("The disk is gone.") })));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var store = report.Entries[ConversationsHealthCheckOptions.StoreCheckName];
        store.Status.Should().Be(HealthStatus.Unhealthy);
        store.Description.Should().Contain("The disk is gone.");
        store.Exception.Should().BeOfType<UnavailableException>();
        report.Entries[ConversationsHealthCheckOptions.EventBusCheckName].Status.Should().Be(HealthStatus.Healthy);
    }

    [Fact]
    public async Task Bus_RefusingSubscriptions_IsReportedWithTheConfiguredFailureStatus()
    {
        using var provider = Provider(
            s => s.Replace(ServiceDescriptor.Singleton<ConversationEventBus>(new DisconnectedBus())),
            o => o.FailureStatus = HealthStatus.Degraded);

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var bus = report.Entries[ConversationsHealthCheckOptions.EventBusCheckName];
        bus.Status.Should().Be(HealthStatus.Degraded);
        bus.Description.Should().Contain("not connected");
    }

    [Fact]
    public async Task AddConversationsHealthChecks_Twice_AddsTheChecksOnce_AndTheLastOptionsApply()
    {
        using var provider = Provider(
            configure: o => o.Tags.Add("first"),
            twice: o => o.Tags.Add("ready"));

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains("ready"));

        report.Entries.Should().HaveCount(3);
    }

    [Theory]
    [InlineData(0, 5, 10, "Timeout")]
    [InlineData(10, 0, 10, "TriggerDegradedAfter")]
    [InlineData(10, 10, 5, "TriggerStuckAfter")]
    public void Options_Invalid_AreRefusedNamingTheOption(int timeoutSeconds, int degradedMinutes, int stuckMinutes, string name)
    {
        using var provider = Provider(configure: o =>
        {
            o.Timeout = TimeSpan.FromSeconds(timeoutSeconds);
            o.TriggerDegradedAfter = TimeSpan.FromMinutes(degradedMinutes);
            o.TriggerStuckAfter = TimeSpan.FromMinutes(stuckMinutes);
        });

        var read = () => provider.GetRequiredService<IOptions<ConversationsHealthCheckOptions>>().Value;

        read.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain(name);
    }

    private static async Task<HealthReportEntry> BacklogAsync(HealthCheckService health) =>
        (await health.CheckHealthAsync(r => r.Name == ConversationsHealthCheckOptions.TriggerBacklogCheckName)).Entries.Single().Value;

    /// <summary>An engine's services with the checks, not started: the checks only need the store, the bus and the clock.</summary>
    private static ServiceProvider Provider(
        Action<IServiceCollection>? services = null, Action<ConversationsHealthCheckOptions>? configure = null, Action<ConversationsHealthCheckOptions>? twice = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(new FakeTimeProvider());
        collection.AddConversations();
        var checks = collection.AddHealthChecks().AddConversationsHealthChecks(o => configure?.Invoke(o));
        if (twice is not null)
        {
            checks.AddConversationsHealthChecks(twice);
        }

        services?.Invoke(collection);
        return collection.BuildServiceProvider();
    }

    private sealed class TestStore(ConversationStore inner) : DelegatingConversationStore(inner)
    {
        public Exception? ProbeFailure { get; init; }

        public override ValueTask<StoreProbeResult> ProbeAsync(CancellationToken cancellationToken) =>
            ProbeFailure is { } failure ? ValueTask.FromException<StoreProbeResult>(failure) : base.ProbeAsync(cancellationToken);
    }

    private sealed class DisconnectedBus : ConversationEventBus
    {
        public override ValueTask PublishAsync(ConversationEvent conversationEvent, CancellationToken cancellationToken) => ValueTask.CompletedTask;

        public override ValueTask<EventBusSubscription> SubscribeAsync(EventBusFilter filter, int capacity, CancellationToken cancellationToken) =>
            ValueTask.FromException<EventBusSubscription>(new UnavailableException("The bus is not connected."));
    }
}
