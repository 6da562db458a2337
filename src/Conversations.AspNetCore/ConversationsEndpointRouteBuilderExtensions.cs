using Conversations.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.WebSockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Conversations;

/// <summary>Maps the Conversations WebSocket and HTTP endpoints.</summary>
public static class ConversationsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the <c>conversations.v1.json</c> WebSocket endpoint at <paramref name="pattern"/> and, unless disabled, the HTTP API
    /// under it (see docs/protocol.md). The endpoint handles the WebSocket upgrade itself; <c>app.UseWebSockets()</c> is not needed.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route prefix, such as <c>/conversations</c>.</param>
    /// <returns>A builder for conventions (such as <c>.RequireAuthorization()</c>) that apply to every mapped endpoint.</returns>
    /// <exception cref="InvalidOperationException">The engine is not registered: call <c>services.AddConversations()</c>.</exception>
    public static IEndpointConventionBuilder MapConversations(this IEndpointRouteBuilder endpoints, string pattern) =>
        endpoints.MapConversations(pattern, static _ => { });

    /// <summary>
    /// Maps the <c>conversations.v1.json</c> WebSocket endpoint at <paramref name="pattern"/> and, unless disabled, the HTTP API
    /// under it (see docs/protocol.md).
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route prefix, such as <c>/conversations</c>.</param>
    /// <param name="configure">Configures identity, origins, limits and timings.</param>
    /// <returns>A builder for conventions (such as <c>.RequireAuthorization()</c>) that apply to every mapped endpoint.</returns>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException">The engine is not registered: call <c>services.AddConversations()</c>.</exception>
    /// <exception cref="OptionsValidationException">The options are not valid.</exception>
    public static IEndpointConventionBuilder MapConversations(this IEndpointRouteBuilder endpoints, string pattern, Action<ConversationsEndpointOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(configure);

        var sp = endpoints.ServiceProvider;
        if (sp.GetService<IServiceProviderIsService>() is not { } isService || !isService.IsService(typeof(IMessageService)))
        {
            throw new InvalidOperationException(
                "Conversations services are not registered. Call services.AddConversations() (builder.Services.AddConversations()) before mapping the endpoints with MapConversations().");
        }

        var options = new ConversationsEndpointOptions();
        configure(options);
        var validation = ConversationsEndpointOptionsValidator.ValidateAll(options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(string.Empty, typeof(ConversationsEndpointOptions), validation.Failures);
        }

        var logger = (sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Conversations.AspNetCore");
        var services = new ServiceSet(
            sp.GetRequiredService<IRoomService>(),
            sp.GetRequiredService<IParticipantService>(),
            sp.GetRequiredService<IConversationService>(),
            sp.GetRequiredService<IMessageService>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System)
        {
            Assets = sp.GetService<IAssetService>(),
            AssetFolders = sp.GetService<IAssetFolderService>(),
        };
        var accounts = new AccountResolver(options);
        var registry = new ConnectionRegistry(logger);
        TransportTelemetry.Track(registry);
        sp.GetService<IHostApplicationLifetime>()?.ApplicationStopping.Register(registry.CloseAll);

        var group = endpoints.MapGroup(pattern);
        // Runs after the host's conventions (RequireAuthorization and the like): authorization failures get the protocol's answers.
        ((IEndpointConventionBuilder)group).Finally(EndpointAuthorization.Defer);
        var authorization = new EndpointAuthorization(logger);
        var limiter = sp.GetService<IConversationsRateLimiter>();
        var socket = new WebSocketEndpoint(options, accounts, authorization, services, limiter, registry, logger);
        // The endpoint carries its own WebSocket middleware, so hosts need not call app.UseWebSockets(); if they did, it passes through.
        var upgrade = new WebSocketMiddleware(
            socket.HandleAsync,
            Options.Create(new WebSocketOptions { KeepAliveInterval = options.WebSockets.KeepAliveInterval, KeepAliveTimeout = options.WebSockets.KeepAliveTimeout }),
            sp.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        group.Map("/", upgrade.Invoke).WithDisplayName("Conversations WebSocket");
        if (options.EnableHttpEndpoints)
        {
            new HttpEndpoints(options, accounts, authorization, services, limiter, logger).Map(group);
        }

        // The file-system asset store's bytes: outside the group, because the signature in the URL is the credential.
        if (sp.GetService<Storage.AssetBlobStore>() is FileSystemAssetBlobStore blobs)
        {
            BlobEndpoints.Map(endpoints, pattern, blobs, logger);
        }

        return group;
    }
}
