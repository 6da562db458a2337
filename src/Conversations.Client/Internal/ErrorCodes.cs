namespace Conversations.Client.Internal;

/// <summary>Turns an error frame back into the typed exception the server-side service threw.</summary>
internal static class ErrorCodes
{
    public static ConversationsException ToException(string? code, string? message, long? retryAfterMs = null)
    {
        message ??= "The server refused the command.";
        return code switch
        {
            "not_found" => new NotFoundException(message),
            "forbidden" => new ForbiddenException(message),
            "unauthenticated" => new UnauthenticatedException(message),
            "conflict" => new ConflictException(message),
            "invalid_argument" => new InvalidArgumentException(message),
            "limit_exceeded" => retryAfterMs is { } wait and >= 0
                ? new LimitExceededException(message, TimeSpan.FromMilliseconds(wait))
                : new LimitExceededException(message),
            "unavailable" => new UnavailableException(message),
            null or "" => new ConversationsException(ConversationsErrorCode.Internal, message),
            _ => new ConversationsException(new ConversationsErrorCode(code), message),
        };
    }
}
