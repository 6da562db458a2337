using Microsoft.Extensions.Logging;

namespace Conversations.Internal;

internal static partial class Log
{
    [LoggerMessage(200, LogLevel.Debug, "WebSocket connection {ConnectionId} opened for {AccountId} with subprotocol {Subprotocol}.")]
    public static partial void ConnectionOpened(ILogger logger, string connectionId, string accountId, string subprotocol);

    [LoggerMessage(201, LogLevel.Debug, "WebSocket connection {ConnectionId} closed ({Reason}).")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId, string reason);

    [LoggerMessage(202, LogLevel.Information, "WebSocket handshake refused: origin {Origin} is not allowed.")]
    public static partial void OriginRefused(ILogger logger, string origin);

    [LoggerMessage(203, LogLevel.Debug, "Request refused: the caller is not authenticated.")]
    public static partial void Unauthenticated(ILogger logger);

    [LoggerMessage(204, LogLevel.Debug, "Connection {ConnectionId} sent an invalid frame: {Reason}.")]
    public static partial void InvalidFrame(ILogger logger, string connectionId, string reason);

    [LoggerMessage(205, LogLevel.Warning, "Connection {ConnectionId} does not read fast enough; its send queue is full and it is being disconnected.")]
    public static partial void ClientTooSlow(ILogger logger, string connectionId);

    [LoggerMessage(206, LogLevel.Warning, "Connection {ConnectionId} sent too many invalid frames and is being closed.")]
    public static partial void PolicyClose(ILogger logger, string connectionId);

    [LoggerMessage(207, LogLevel.Error, "Command {Command} on connection {ConnectionId} failed unexpectedly.")]
    public static partial void CommandFailed(ILogger logger, string command, string connectionId, Exception exception);

    [LoggerMessage(208, LogLevel.Warning, "Subscription to {Target} on connection {ConnectionId} failed.")]
    public static partial void SubscriptionFailed(ILogger logger, string target, string connectionId, Exception exception);

    [LoggerMessage(209, LogLevel.Debug, "Connection {ConnectionId} did not finish its close handshake in time and was aborted.")]
    public static partial void CloseTimedOut(ILogger logger, string connectionId);

    [LoggerMessage(210, LogLevel.Error, "HTTP request {Method} {Path} failed unexpectedly.")]
    public static partial void HttpRequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(211, LogLevel.Information, "Closing {Count} WebSocket connections: the server is shutting down.")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(212, LogLevel.Debug, "WebSocket handshake refused: unsupported subprotocols {Requested}.")]
    public static partial void SubprotocolRefused(ILogger logger, string requested);

    [LoggerMessage(213, LogLevel.Debug, "Request to {Path} refused: the caller does not satisfy the endpoint's authorization policy.")]
    public static partial void AuthorizationRefused(ILogger logger, string path);

    [LoggerMessage(214, LogLevel.Error, "Sending to WebSocket connection {ConnectionId} failed unexpectedly; the connection is closed.")]
    public static partial void SendFailed(ILogger logger, string connectionId, Exception exception);

    [LoggerMessage(220, LogLevel.Information, "Upload to blob {Key} rejected: {Reason}")]
    public static partial void BlobUploadRejected(ILogger logger, string key, string reason);
}
