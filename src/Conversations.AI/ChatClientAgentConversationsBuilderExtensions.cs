using Conversations.AI.Internal;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Adds agents backed by a Microsoft.Extensions.AI <see cref="IChatClient"/>.</summary>
public static class ChatClientAgentConversationsBuilderExtensions
{
    /// <summary>
    /// Makes the agent account <paramref name="agentAccountId"/> answer with an <see cref="IChatClient"/> from
    /// the container: the one registered as a keyed service under the agent's id, otherwise the unkeyed one.
    /// Add the agent to rooms with <c>ParticipantSpec.Agent(agentAccountId)</c> (auto-respond on).
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentAccountId">The agent's account id.</param>
    /// <param name="configure">Configures the agent's instructions, history budget, chat options and tools.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="agentAccountId"/> is null, empty or white space.</exception>
    public static IConversationsBuilder AddChatClientAgent(this IConversationsBuilder builder, string agentAccountId, Action<ChatClientAgentOptions>? configure = null) =>
        builder.AddChatClientAgent(agentAccountId, sp => sp.GetKeyedService<IChatClient>(agentAccountId)
            ?? sp.GetService<IChatClient>()
            ?? throw new InvalidOperationException(
                $"Agent '{agentAccountId}' needs an IChatClient: register one as a keyed service with key '{agentAccountId}', or an unkeyed one, or pass a client factory to AddChatClientAgent."),
            configure);

    /// <summary>Makes the agent account <paramref name="agentAccountId"/> answer with the <see cref="IChatClient"/> the factory returns.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="agentAccountId">The agent's account id.</param>
    /// <param name="clientFactory">Creates the agent's chat client, once.</param>
    /// <param name="configure">Configures the agent's instructions, history budget, chat options and tools.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="clientFactory"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="agentAccountId"/> is null, empty or white space.</exception>
    public static IConversationsBuilder AddChatClientAgent(
        this IConversationsBuilder builder,
        string agentAccountId,
        Func<IServiceProvider, IChatClient> clientFactory,
        Action<ChatClientAgentOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(agentAccountId);
        ArgumentNullException.ThrowIfNull(clientFactory);

        var options = builder.Services.AddOptions<ChatClientAgentOptions>(agentAccountId).ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatClientAgentOptions>, ChatClientAgentOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ChatClientAgentOptions>, ChatClientAgentTimeoutValidator>());
        builder.Services.RemoveAllKeyed<IFlowEngine>(agentAccountId);
        builder.Services.AddKeyedSingleton<IFlowEngine>(agentAccountId, (sp, _) =>
        {
            var agentOptions = sp.GetRequiredService<IOptionsMonitor<ChatClientAgentOptions>>().Get(agentAccountId);
            var client = clientFactory(sp);
            if (agentOptions.InvokeTools && agentOptions.ChatOptions?.Tools is { Count: > 0 })
            {
                client = new ChatClientBuilder(client).UseFunctionInvocation(sp.GetService<ILoggerFactory>()).Build(sp);
            }

            return new ChatClientFlowEngine(
                agentAccountId,
                client,
                agentOptions,
                sp.GetService<TimeProvider>() ?? TimeProvider.System,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Conversations.AI.ChatClientAgent"));
        });
        return builder;
    }
}
