namespace Conversations;

/// <summary>The caller is not allowed to do what it asked. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class ForbiddenException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="ForbiddenException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ForbiddenException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.Forbidden, message, innerException)
    {
    }
}
