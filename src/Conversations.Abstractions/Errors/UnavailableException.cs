namespace Conversations;

/// <summary>The service cannot serve the call now; retrying later may succeed. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class UnavailableException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="UnavailableException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UnavailableException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.Unavailable, message, innerException)
    {
    }
}
