namespace Conversations;

/// <summary>
/// Takes permits from the rate limits of <see cref="ConversationsRateLimitOptions"/>. Registered by <c>AddRateLimiting()</c>;
/// the services already take the per-account permits, and the ASP.NET Core endpoints the per-connection ones. A custom
/// transport or endpoint calls it the same way before doing work on a caller's behalf.
/// </summary>
/// <remarks>Thread-safe: one instance serves every caller and connection.</remarks>
public interface IConversationsRateLimiter
{
    /// <summary>Takes one permit of <paramref name="operation"/> from the budget of <paramref name="caller"/>'s account.</summary>
    /// <param name="caller">The account acting. <see cref="Account.System"/>, and agents unless <see cref="ConversationsRateLimitOptions.LimitAgents"/> is set, are never limited.</param>
    /// <param name="operation">The operation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> is <see langword="null"/>.</exception>
    /// <exception cref="LimitExceededException">The budget is spent; <see cref="LimitExceededException.RetryAfter"/> says when it refills.</exception>
    void AcquireForAccount(Account caller, RateLimitOperation operation);

    /// <summary>Takes one permit of <paramref name="operation"/> from the budget of one transport connection.</summary>
    /// <param name="caller">The account acting over the connection; exempt as in <see cref="AcquireForAccount"/>.</param>
    /// <param name="connectionId">The transport's identifier of the connection, unique among the open ones.</param>
    /// <param name="operation">The operation.</param>
    /// <exception cref="ArgumentNullException"><paramref name="caller"/> or <paramref name="connectionId"/> is <see langword="null"/>.</exception>
    /// <exception cref="LimitExceededException">The budget is spent; <see cref="LimitExceededException.RetryAfter"/> says when it refills.</exception>
    void AcquireForConnection(Account caller, string connectionId, RateLimitOperation operation);
}
