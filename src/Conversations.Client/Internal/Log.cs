using Microsoft.Extensions.Logging;

namespace Conversations.Client.Internal;

internal static partial class Log
{
    [LoggerMessage(300, LogLevel.Debug, "Connected to {Url} as {AccountId}.")]
    public static partial void Connected(ILogger logger, Uri url, string accountId);

    [LoggerMessage(301, LogLevel.Information, "Connection lost; reconnecting.")]
    public static partial void ConnectionLost(ILogger logger, Exception? exception);

    [LoggerMessage(302, LogLevel.Debug, "Reconnect attempt {Attempt} failed.")]
    public static partial void ReconnectAttemptFailed(ILogger logger, long attempt, Exception exception);

    [LoggerMessage(303, LogLevel.Information, "Reconnected after {Attempts} attempts; resumed {Subscriptions} subscriptions.")]
    public static partial void Reconnected(ILogger logger, long attempts, int subscriptions);

    [LoggerMessage(304, LogLevel.Warning, "The reconnect policy gave up; the client is closed.")]
    public static partial void GaveUp(ILogger logger);

    [LoggerMessage(305, LogLevel.Warning, "Ignored a frame the client could not read.")]
    public static partial void UnreadableFrame(ILogger logger, Exception exception);

    [LoggerMessage(306, LogLevel.Warning, "The server sent an error without a request id: {Code} {Message}.")]
    public static partial void UnsolicitedError(ILogger logger, string? code, string? message);

    [LoggerMessage(307, LogLevel.Warning, "The reader of subscription {Key} fell behind and events were dropped; subscribing again after sequence {Sequence}.")]
    public static partial void SubscriptionOverflowed(ILogger logger, string key, long sequence);
}
