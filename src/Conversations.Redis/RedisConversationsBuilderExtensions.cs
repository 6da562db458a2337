using Conversations.Redis;
using Conversations.Redis.Internal;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Conversations;

/// <summary>Registers the Redis event bus on an <see cref="IConversationsBuilder"/>.</summary>
public static class RedisConversationsBuilderExtensions
{
    /// <summary>
    /// Uses the Redis event bus, configured by <paramref name="configure"/>: on <see cref="RedisEventBusOptions.Configuration"/>
    /// when it is set, otherwise on the <see cref="IConnectionMultiplexer"/> registered in the service collection. Replaces
    /// any bus registered before.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Configures <see cref="RedisEventBusOptions"/>; validated when the host starts.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UseRedisEventBus(this IConversationsBuilder builder, Action<RedisEventBusOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.UseRedisEventBus(static (sp, options) => options.Configuration is null ? sp.GetService<IConnectionMultiplexer>() : null, configure);
    }

    /// <summary>Uses the Redis event bus on the Redis named in <paramref name="configuration"/>. Replaces any bus registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configuration">A StackExchange.Redis configuration string, for example <c>redis.internal:6379</c>.</param>
    /// <param name="configure">Configures the other <see cref="RedisEventBusOptions"/>; <see langword="null"/> for defaults.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="configuration"/> is null, empty or white space.</exception>
    public static IConversationsBuilder UseRedisEventBus(this IConversationsBuilder builder, string configuration, Action<RedisEventBusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        return builder.UseRedisEventBus(options =>
        {
            options.Configuration = configuration;
            configure?.Invoke(options);
        });
    }

    /// <summary>Uses the Redis event bus on <paramref name="multiplexer"/>, which the application owns (the bus does not dispose it). Replaces any bus registered before.</summary>
    /// <param name="builder">The builder.</param>
    /// <param name="multiplexer">The Redis connection.</param>
    /// <param name="configure">Configures the other <see cref="RedisEventBusOptions"/>; <see langword="null"/> for defaults.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="multiplexer"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder UseRedisEventBus(this IConversationsBuilder builder, IConnectionMultiplexer multiplexer, Action<RedisEventBusOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(multiplexer);
        return builder.UseRedisEventBus((_, _) => multiplexer, configure ?? (static _ => { }));
    }

    private static IConversationsBuilder UseRedisEventBus(this IConversationsBuilder builder, Func<IServiceProvider, RedisEventBusOptions, IConnectionMultiplexer?> multiplexer, Action<RedisEventBusOptions> configure)
    {
        builder.Services.AddOptions<RedisEventBusOptions>().Configure(configure).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisEventBusOptions>, RedisEventBusOptionsValidator>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RedisEventBusOptions>, RedisEventBusTimingValidator>());
        builder.Services.Replace(ServiceDescriptor.Singleton<ConversationEventBus>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<RedisEventBusOptions>>().Value;
            var connection = multiplexer(sp, options);
            if (connection is null && options.Configuration is null)
            {
                throw new InvalidOperationException("UseRedisEventBus needs a configuration string (UseRedisEventBus(\"host:6379\") or options.Configuration) or an IConnectionMultiplexer registered in the service collection.");
            }

            return new RedisEventBus(options, connection, sp.GetService<ConversationStore>, sp.GetService<TimeProvider>(), sp.GetService<ILogger<RedisEventBus>>());
        }));
        return builder;
    }
}
