using Conversations.Internal;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Registers the Conversations engine in an <see cref="IServiceCollection"/>.</summary>
public static class ConversationsServiceCollectionExtensions
{
    /// <summary>Registers the engine with default options, the in-memory store and the in-process event bus.</summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to add a store provider, flow engines and event handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddConversations(this IServiceCollection services) => services.AddConversations(static _ => { });

    /// <summary>
    /// Registers the engine: the room, participant, conversation and message services, the in-memory store and
    /// the in-process event bus (unless others are registered), agent triggers, and a hosted service that
    /// prepares the store at start-up and drains running flows at shutdown. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Configures <see cref="ConversationsOptions"/>; validated when the host starts.</param>
    /// <returns>A builder to add a store provider, flow engines and event handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddConversations(this IServiceCollection services, Action<ConversationsOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<ConversationsOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationsOptions>, ConversationsOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationsOptions>, FlowTimeoutValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationsOptions>, ReplyControlsOptionsValidator>());
        services.AddLogging();

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConversationStore>(static sp => new InMemoryConversationStore(sp.GetService<TimeProvider>()));
        services.TryAddSingleton<ConversationEventBus, InMemoryEventBus>();

        services.TryAddSingleton<EngineCore>();
        services.TryAddSingleton<TriggerBacklogSampler>();
        services.TryAddSingleton<EventPublisher>();
        services.TryAddSingleton<AppendAnnouncer>();
        services.TryAddSingleton<StreamRegistry>();
        services.TryAddSingleton<StreamControls>();
        services.TryAddSingleton<InboxService>();
        services.TryAddSingleton(_ => new FlowEngineCatalog(services));
        services.TryAddSingleton<FlowDispatcher>();
        services.TryAddSingleton<EventHandlerDispatcher>();
        services.TryAddSingleton<EngineEventListener>();
        services.TryAddSingleton<StreamRecovery>();
        services.TryAddSingleton<IRoomService, RoomService>();
        services.TryAddSingleton<IParticipantService, ParticipantService>();
        services.TryAddSingleton<IConversationService, ConversationService>();
        services.TryAddSingleton<MessageService>();
        services.TryAddSingleton<IMessageService>(static sp => sp.GetRequiredService<MessageService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ConversationsHostedService>());


        return new ConversationsBuilder(services);
    }
}
