namespace Conversations;

/// <summary>
/// The base of every error the library reports for a refused or failed call. A refused call changed nothing.
/// </summary>
/// <remarks>
/// Catch a derived type, or this type and switch on <see cref="Code"/>. Transports send <see cref="Code"/>
/// to remote callers unchanged.
/// </remarks>
public class ConversationsException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="ConversationsException"/> class.</summary>
    /// <param name="code">The stable error code.</param>
    /// <param name="message">The description of the error.</param>
    /// <param name="innerException">The cause, if any.</param>
    public ConversationsException(ConversationsErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>Gets the stable error code.</summary>
    public ConversationsErrorCode Code { get; }
}
