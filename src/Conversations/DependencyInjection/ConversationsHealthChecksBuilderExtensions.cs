using Conversations.Internal;
using Conversations.Storage;
using Conversations.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Adds the Conversations health checks to an <see cref="IHealthChecksBuilder"/>.</summary>
public static class ConversationsHealthChecksBuilderExtensions
{
    /// <summary>Adds the store, event-bus and trigger-backlog checks with the default options.</summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddConversationsHealthChecks(this IHealthChecksBuilder builder) =>
        builder.AddConversationsHealthChecks(static _ => { });

    /// <summary>
    /// Adds three checks of the engine registered with <c>AddConversations()</c>:
    /// <see cref="ConversationsHealthCheckOptions.StoreCheckName"/> (the store answers and can take writes),
    /// <see cref="ConversationsHealthCheckOptions.EventBusCheckName"/> (the bus accepts subscriptions, so it is connected) and
    /// <see cref="ConversationsHealthCheckOptions.TriggerBacklogCheckName"/> (the oldest pending agent trigger is not too old).
    /// Nothing is written by any of them. Safe to call more than once: the checks are added once, every call's
    /// <paramref name="configure"/> applies.
    /// </summary>
    /// <param name="builder">The health checks builder (<c>services.AddHealthChecks()</c>).</param>
    /// <param name="configure">Adjusts tags, timeout, failure status and backlog thresholds; validated when the host starts.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    public static IHealthChecksBuilder AddConversationsHealthChecks(this IHealthChecksBuilder builder, Action<ConversationsHealthCheckOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var services = builder.Services;
        services.AddOptions<ConversationsHealthCheckOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConversationsHealthCheckOptions>, ConversationsHealthCheckOptionsValidator>());
        if (services.Any(static d => d.ServiceType == typeof(HealthChecksMarker)))
        {
            return builder;
        }

        services.AddSingleton<HealthChecksMarker>();
        services.AddOptions<HealthCheckServiceOptions>().Configure<IOptions<ConversationsHealthCheckOptions>>(static (health, conversations) =>
        {
            var o = conversations.Value;
            health.Registrations.Add(new HealthCheckRegistration(
                ConversationsHealthCheckOptions.StoreCheckName,
                static sp => new StoreHealthCheck(sp.GetRequiredService<ConversationStore>()),
                o.FailureStatus,
                o.Tags,
                o.Timeout));
            health.Registrations.Add(new HealthCheckRegistration(
                ConversationsHealthCheckOptions.EventBusCheckName,
                static sp => new EventBusHealthCheck(sp.GetRequiredService<ConversationEventBus>()),
                o.FailureStatus,
                o.Tags,
                o.Timeout));
            health.Registrations.Add(new HealthCheckRegistration(
                ConversationsHealthCheckOptions.TriggerBacklogCheckName,
                static sp => new TriggerBacklogHealthCheck(
                    sp.GetRequiredService<ConversationStore>(), sp.GetService<TimeProvider>() ?? TimeProvider.System, sp.GetRequiredService<IOptions<ConversationsHealthCheckOptions>>()),
                o.FailureStatus,
                o.Tags,
                o.Timeout));
        });
        return builder;
    }

    /// <summary>Marks that the checks are registered, so a second call adds them no more.</summary>
    private sealed class HealthChecksMarker;
}
