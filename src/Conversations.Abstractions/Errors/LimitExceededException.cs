namespace Conversations;

/// <summary>The call exceeds a configured limit. See <see cref="ConversationsErrorCode"/>.</summary>
/// <remarks>
/// A size limit (text, attachments, data, frame) refuses the same call every time. A rate limit refuses it for a while:
/// <see cref="RetryAfter"/> then says how long to wait before the same call can succeed.
/// </remarks>
public sealed class LimitExceededException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="LimitExceededException"/> class for a size or count limit.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public LimitExceededException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.LimitExceeded, message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LimitExceededException"/> class for a rate limit.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="retryAfter">How long to wait before the call can succeed; at least zero.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfter"/> is negative.</exception>
    public LimitExceededException(string message, TimeSpan retryAfter)
        : base(ConversationsErrorCode.LimitExceeded, message)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        RetryAfter = retryAfter;
    }

    /// <summary>Gets how long to wait before the call can succeed, for a rate limit; <see langword="null"/> for a size or count limit.</summary>
    public TimeSpan? RetryAfter { get; }
}
