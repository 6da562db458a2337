using Conversations.Internal;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Conversations.Testing;

/// <summary>
/// A started Conversations engine for tests: in-memory by default, on a <see cref="FakeTimeProvider"/>, with
/// a <see cref="FakeFlowEngine"/> as the default flow engine and an event collector attached.
/// </summary>
/// <remarks>Dispose it to stop the engine the way a host would.</remarks>
public sealed class ConversationsTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly IHostedService[] _hosted;

    private ConversationsTestHost(ServiceProvider provider, IHostedService[] hosted, ConversationEventCollector events)
    {
        _provider = provider;
        _hosted = hosted;
        Events = events;
    }

    /// <summary>Gets the service provider.</summary>
    public IServiceProvider Services => _provider;

    /// <summary>Gets the fake clock the engine runs on.</summary>
    public FakeTimeProvider Time => (FakeTimeProvider)_provider.GetRequiredService<TimeProvider>();

    /// <summary>Gets the default flow engine (unless <c>configure</c> replaced it).</summary>
    public FakeFlowEngine FlowEngine => _provider.GetRequiredService<FakeFlowEngine>();

    /// <summary>Gets the collector of every event published since the host started.</summary>
    public ConversationEventCollector Events { get; }

    /// <summary>Gets the room service.</summary>
    public IRoomService Rooms => _provider.GetRequiredService<IRoomService>();

    /// <summary>Gets the participant service.</summary>
    public IParticipantService Participants => _provider.GetRequiredService<IParticipantService>();

    /// <summary>Gets the conversation service.</summary>
    public IConversationService Conversations => _provider.GetRequiredService<IConversationService>();

    /// <summary>Gets the message service.</summary>
    public IMessageService Messages => _provider.GetRequiredService<IMessageService>();

    /// <summary>Gets the store.</summary>
    public ConversationStore Store => _provider.GetRequiredService<ConversationStore>();

    /// <summary>Builds and starts an engine.</summary>
    /// <param name="configure">Adjusts the engine: options, a store provider, other flow engines; <see langword="null"/> for defaults.</param>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>The started host.</returns>
    public static async Task<ConversationsTestHost> StartAsync(Action<IConversationsBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.Zero)) { AutoAdvanceAmount = TimeSpan.FromMilliseconds(1) });
        services.AddSingleton<FakeFlowEngine>();
        var builder = services.AddConversations();
        builder.Services.AddSingleton<IFlowEngine>(static sp => sp.GetRequiredService<FakeFlowEngine>());
        configure?.Invoke(builder);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        var hosted = provider.GetServices<IHostedService>().ToArray();
        ConversationEventCollector? events = null;
        try
        {
            events = await ConversationEventCollector.StartAsync(provider.GetRequiredService<ConversationEventBus>(), cancellationToken: cancellationToken).ConfigureAwait(false);
            // Options marked ValidateOnStart are checked before anything starts, as in a real host.
            provider.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
            _ = provider.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConversationsOptions>>().Value;
            foreach (var service in hosted)
            {
                await service.StartAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            if (events is not null)
            {
                await events.DisposeAsync().ConfigureAwait(false);
            }

            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new ConversationsTestHost(provider, hosted, events);
    }

    /// <summary>
    /// Waits until no flow runs and no claim for triggers is pending. Triggers waiting for a retry are left waiting:
    /// advance <see cref="Time"/> past their backoff, then wait again.
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the agents have settled.</returns>
    public Task WhenFlowsIdleAsync(CancellationToken cancellationToken = default) =>
        _provider.GetRequiredService<FlowDispatcher>().WhenIdleAsync(cancellationToken);

    /// <summary>
    /// Waits until every event published before this call has been collected in <see cref="Events"/>: publishes a marker
    /// on the bus (a typing event in a room named <c>flush</c>) and waits for it.
    /// </summary>
    /// <param name="cancellationToken">The <see cref="CancellationToken"/> to monitor for cancellation requests. The default is <see cref="CancellationToken.None"/>.</param>
    /// <returns>A task that completes when the collector has caught up.</returns>
    public async Task FlushEventsAsync(CancellationToken cancellationToken = default)
    {
        var marker = "flush:" + Guid.NewGuid().ToString("N");
        var bus = _provider.GetRequiredService<ConversationEventBus>();
        await bus.PublishAsync(new TypingEvent { RoomId = "flush", ActorId = marker, Timestamp = Time.GetUtcNow(), IsTyping = false }, cancellationToken).ConfigureAwait(false);
        await Events.WaitForAsync(e => string.Equals(e.ActorId, marker, StringComparison.Ordinal), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the engine as a host would at shutdown, then disposes it.</summary>
    /// <returns>A task that completes when the engine is stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        foreach (var service in _hosted.Reverse())
        {
            await service.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        await Events.DisposeAsync().ConfigureAwait(false);
        await _provider.DisposeAsync().ConfigureAwait(false);
    }
}
