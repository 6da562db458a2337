namespace Conversations;

/// <summary>The call is malformed: a missing or badly formed identifier, a value out of range, malformed data. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class InvalidArgumentException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="InvalidArgumentException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidArgumentException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.InvalidArgument, message, innerException)
    {
    }
}
