namespace Conversations.Client.Internal;

/// <summary>Turns an error frame back into the typed exception the server-side service threw.</summary>
internal static class ErrorCodes
{
    public static ConversationsException ToException(string? code, string? message)
    {
        message ??= "The server refused the command.";
        return code switch
        {
            "not_found" => new NotFoundException(message),
            "forbidden" => new ForbiddenException(message),
            "unauthenticated" => new UnauthenticatedException(message),
            "conflict" => new ConflictException(message),
            "invalid_argument" => new InvalidArgumentException(message),
            "limit_exceeded" => new LimitExceededException(message),
            "unavailable" => new UnavailableException(message),
            null or "" => new ConversationsException(ConversationsErrorCode.Internal, message),
            _ => new ConversationsException(new ConversationsErrorCode(code), message),
        };
    }
}
