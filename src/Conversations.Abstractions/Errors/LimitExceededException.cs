namespace Conversations;

/// <summary>The call exceeds a configured limit. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class LimitExceededException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="LimitExceededException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public LimitExceededException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.LimitExceeded, message, innerException)
    {
    }
}
