namespace Conversations.Client;

/// <summary>What an <see cref="IReconnectPolicy"/> knows when it decides whether and when to try again.</summary>
public sealed class RetryContext
{
    /// <summary>Gets how many reconnect attempts failed so far in this outage (0 before the first attempt).</summary>
    public long PreviousRetryCount { get; init; }

    /// <summary>Gets how long the client has been trying to reconnect.</summary>
    public TimeSpan ElapsedTime { get; init; }

    /// <summary>Gets why the connection was lost, or why the last attempt failed.</summary>
    public Exception? RetryReason { get; init; }
}
