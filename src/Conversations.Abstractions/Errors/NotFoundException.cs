namespace Conversations;

/// <summary>The thing the call names does not exist, or the caller may not know that it does. See <see cref="ConversationsErrorCode"/>.</summary>
public sealed class NotFoundException : ConversationsException
{
    /// <summary>Initializes a new instance of the <see cref="NotFoundException"/> class.</summary>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public NotFoundException(string message, Exception? innerException = null)
        : base(ConversationsErrorCode.NotFound, message, innerException)
    {
    }
}
