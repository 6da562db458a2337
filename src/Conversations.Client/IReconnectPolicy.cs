namespace Conversations.Client;

/// <summary>Decides how long a <see cref="ConversationsClient"/> waits before each reconnect attempt.</summary>
/// <remarks>Called from one reconnect loop at a time; implementations need not be thread-safe unless shared between clients.</remarks>
public interface IReconnectPolicy
{
    /// <summary>Returns the delay before the next attempt, or <see langword="null"/> to stop reconnecting.</summary>
    /// <param name="retryContext">The outage so far.</param>
    /// <returns>The delay, or <see langword="null"/> to give up.</returns>
    TimeSpan? NextRetryDelay(RetryContext retryContext);
}
