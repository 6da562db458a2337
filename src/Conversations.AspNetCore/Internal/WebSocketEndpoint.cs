using Conversations.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

/// <summary>The WebSocket handshake: origin, identity and subprotocol checks, then one <see cref="ConversationsConnection"/>.</summary>
internal sealed class WebSocketEndpoint(
    ConversationsEndpointOptions options,
    AccountResolver accounts,
    EndpointAuthorization authorization,
    ServiceSet services,
    IConversationsRateLimiter? limiter,
    ConnectionRegistry registry,
    ILogger logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.InvalidArgument.Value, "This endpoint expects a WebSocket upgrade request.").ConfigureAwait(false);
            return;
        }

        if (registry.IsStopping)
        {
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Unavailable.Value, "The server is shutting down.").ConfigureAwait(false);
            return;
        }

        var origin = context.Request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsOriginAllowed(context.Request, origin))
        {
            Log.OriginRefused(logger, origin);
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Forbidden.Value, "The origin is not allowed.").ConfigureAwait(false);
            return;
        }

        if (!await authorization.AuthorizeAsync(context).ConfigureAwait(false))
        {
            return;
        }

        var account = accounts.Resolve(context);
        if (account is null)
        {
            Log.Unauthenticated(logger);
            await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.Unauthenticated.Value, "Authentication is required.").ConfigureAwait(false);
            return;
        }

        // No subprotocol asked for means version 1 in JSON; asking only for unknown ones is refused so a client never
        // guesses. A client that offers compact events gets them (it offers JSON too, for servers that predate them).
        var requested = context.WebSockets.WebSocketRequestedProtocols;
        string? subprotocol = null;
        if (requested.Count > 0)
        {
            if (requested.Contains(ProtocolConstants.SubprotocolV1Compact, StringComparer.Ordinal))
            {
                subprotocol = ProtocolConstants.SubprotocolV1Compact;
            }
            else if (requested.Contains(ProtocolConstants.SubprotocolV1, StringComparer.Ordinal))
            {
                subprotocol = ProtocolConstants.SubprotocolV1;
            }
            else
            {
                Log.SubprotocolRefused(logger, string.Join(",", requested));
                await HttpEndpoints.WriteProblemAsync(context, ConversationsErrorCode.InvalidArgument.Value, $"Unsupported subprotocol; this server speaks {ProtocolConstants.SubprotocolV1} and {ProtocolConstants.SubprotocolV1Compact}.").ConfigureAwait(false);
                return;
            }
        }

        var ws = options.WebSockets;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            SubProtocol = subprotocol,
            KeepAliveInterval = ws.KeepAliveInterval,
            KeepAliveTimeout = ws.KeepAliveTimeout,
            DangerousEnableCompression = false,
        }).ConfigureAwait(false);

        // Each connection has its own budget on top of its account's (which the services take).
        var connectionId = context.Connection.Id;
        var limited = limiter is null ? services : services.LimitedBy((caller, operation) => limiter.AcquireForConnection(caller, connectionId, operation));
        var connection = new ConversationsConnection(socket, account, limited, ws, registry, logger);
        await connection.RunAsync(subprotocol ?? ProtocolConstants.SubprotocolV1).ConfigureAwait(false);
    }

    private bool IsOriginAllowed(HttpRequest request, string origin)
    {
        foreach (var allowed in options.AllowedOrigins)
        {
            if (allowed == "*" || string.Equals(allowed.TrimEnd('/'), origin, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        // Same origin: the page was served by this host.
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            && (string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
                || (uri.Scheme == Uri.UriSchemeHttps && request.Scheme == "wss") || (uri.Scheme == Uri.UriSchemeHttp && request.Scheme == "ws"));
    }
}
