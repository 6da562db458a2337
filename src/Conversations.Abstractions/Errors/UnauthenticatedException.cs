namespace Conversations;

/// <summary>The caller is not authenticated. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class UnauthenticatedException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="UnauthenticatedException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public UnauthenticatedException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.Unauthenticated, message, innerException)
    {
    }
}
