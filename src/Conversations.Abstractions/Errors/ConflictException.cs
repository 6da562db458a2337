namespace Conversations;

/// <summary>The call conflicts with the current state. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class ConflictException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="ConflictException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ConflictException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.Conflict, message, innerException)
    {
    }
}
