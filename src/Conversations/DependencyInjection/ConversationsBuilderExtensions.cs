using System.Diagnostics.CodeAnalysis;
using Conversations.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Conversations;

/// <summary>Adds providers, flow engines and event handlers to an <see cref="IConversationsBuilder"/>.</summary>
public static class ConversationsBuilderExtensions
{
    /// <summary>
    /// Uses the in-memory store (the default): fast, process-local, and gone when the process ends.
    /// Replaces any store registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UseInMemoryStore(this IConversationsBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ConversationStore>(static sp => new InMemoryConversationStore(sp.GetService<TimeProvider>())));
        return builder;
    }

    /// <summary>
    /// Registers the default flow engine, which receives the triggers of every auto-respond agent that has no
    /// engine of its own. Replaces any default engine registered before.
    /// </summary>
    /// <typeparam name="TEngine">The engine type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddFlowEngine<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TEngine>(this IConversationsBuilder builder)
        where TEngine : class, IFlowEngine
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IFlowEngine, TEngine>());
        return builder;
    }

    /// <summary>Registers an engine instance as the default flow engine. Replaces any default engine registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="engine">The engine.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="engine"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddFlowEngine(this IConversationsBuilder builder, IFlowEngine engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(engine);
        builder.Services.Replace(ServiceDescriptor.Singleton(engine));
        return builder;
    }

    /// <summary>
    /// Registers the flow engine of one agent account, as a keyed <see cref="IFlowEngine"/> (the key is the
    /// account id). It takes that agent's triggers instead of the default engine.
    /// </summary>
    /// <typeparam name="TEngine">The engine type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <param name="agentAccountId">The agent's account id.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="agentAccountId"/> is null, empty or white space.</exception>
    public static IConversationsBuilder AddAgentFlowEngine<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TEngine>(this IConversationsBuilder builder, string agentAccountId)
        where TEngine : class, IFlowEngine
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentAccountId);
        builder.Services.RemoveAllKeyed<IFlowEngine>(agentAccountId);
        builder.Services.AddKeyedSingleton<IFlowEngine, TEngine>(agentAccountId);
        return builder;
    }

    /// <summary>Registers the flow engine instance of one agent account. It takes that agent's triggers instead of the default engine.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentAccountId">The agent's account id.</param>
    /// <param name="engine">The engine.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="engine"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="agentAccountId"/> is null, empty or white space.</exception>
    public static IConversationsBuilder AddAgentFlowEngine(this IConversationsBuilder builder, string agentAccountId, IFlowEngine engine)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentAccountId);
        ArgumentNullException.ThrowIfNull(engine);
        builder.Services.RemoveAllKeyed<IFlowEngine>(agentAccountId);
        builder.Services.AddKeyedSingleton(agentAccountId, engine);
        return builder;
    }

    /// <summary>
    /// Registers a handler that receives every published event, in publish order, on a background queue.
    /// Registering the same type twice has no further effect.
    /// </summary>
    /// <typeparam name="THandler">The handler type, resolved as a singleton.</typeparam>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddEventHandler<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] THandler>(this IConversationsBuilder builder)
        where THandler : class, IConversationEventHandler
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConversationEventHandler, THandler>());
        return builder;
    }
}
