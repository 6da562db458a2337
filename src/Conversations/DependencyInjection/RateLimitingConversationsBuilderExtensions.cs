using Conversations.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Adds rate limits to an <see cref="IConversationsBuilder"/>.</summary>
public static class RateLimitingConversationsBuilderExtensions
{
    /// <summary>Limits posts, stream appends, direct-room requests and uploads per account and per connection, with the default rates.</summary>
    /// <param name="builder">The builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddRateLimiting(this IConversationsBuilder builder) => builder.AddRateLimiting(static _ => { });

    /// <summary>
    /// Limits posts, stream appends, direct-room requests and uploads per account (in <see cref="IMessageService"/>,
    /// <see cref="IRoomService"/> and <see cref="IAssetService"/>, so every caller and transport is covered) and per connection (in the ASP.NET Core
    /// endpoints), and registers <see cref="IConversationsRateLimiter"/>. Refused calls change nothing and fail with
    /// <see cref="LimitExceededException"/> carrying a retry-after. Safe to call more than once; each call's
    /// <paramref name="configure"/> applies.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Adjusts the rates; validated when the host starts.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IConversationsBuilder AddRateLimiting(this IConversationsBuilder builder, Action<ConversationsRateLimitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<ConversationsRateLimitOptions>().Configure(configure).ValidateOnStart();
        if (services.Any(d => d.ServiceType == typeof(IConversationsRateLimiter)))
        {
            return builder;
        }

        services.AddSingleton<IValidateOptions<ConversationsRateLimitOptions>, ConversationsRateLimitOptionsValidator>();
        services.AddSingleton<ConversationsRateLimiter>();
        services.AddSingleton<IConversationsRateLimiter>(static sp => sp.GetRequiredService<ConversationsRateLimiter>());
        ServiceDecoration.Decorate<IMessageService>(services, static (inner, sp) =>
            new RateLimitedMessageService(inner, sp.GetRequiredService<IConversationsRateLimiter>().AcquireForAccount));
        ServiceDecoration.Decorate<IRoomService>(services, static (inner, sp) =>
            new RateLimitedRoomService(inner, sp.GetRequiredService<IConversationsRateLimiter>().AcquireForAccount));
        return builder;
    }
}
