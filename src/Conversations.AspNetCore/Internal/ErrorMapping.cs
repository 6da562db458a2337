using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Conversations.Internal;

/// <summary>Maps failures to the stable error codes and HTTP statuses of the wire protocol.</summary>
internal static class ErrorMapping
{
    public const string InternalMessage = "An unexpected error occurred.";

    /// <summary>Returns the wire code and message of a failure; Expected is false for unexpected failures.</summary>
    public static (string Code, string Message, bool Expected) Map(Exception exception) => exception switch
    {
        ConversationsException e => (e.Code.Value, e.Message, true),
        ArgumentException e => (ConversationsErrorCode.InvalidArgument.Value, e.Message, true),
        JsonException e => (ConversationsErrorCode.InvalidArgument.Value, "Malformed JSON: " + e.Message, true),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e => (ConversationsErrorCode.LimitExceeded.Value, e.Message, true),
        BadHttpRequestException e => (ConversationsErrorCode.InvalidArgument.Value, e.Message, true),
        _ => (ConversationsErrorCode.Internal.Value, InternalMessage, false),
    };

    /// <summary>Returns how long a rate-limited caller should wait, or <see langword="null"/> when the failure is not a rate limit.</summary>
    public static TimeSpan? RetryAfter(Exception exception) => exception is LimitExceededException { RetryAfter: { } wait } ? wait : null;

    /// <summary>Returns a retry-after in whole milliseconds, rounded up so that retrying then never comes too early.</summary>
    public static long ToMilliseconds(TimeSpan retryAfter) => (long)Math.Ceiling(retryAfter.TotalMilliseconds);

    public static int ToStatusCode(string code) => code switch
    {
        "not_found" => StatusCodes.Status404NotFound,
        "forbidden" => StatusCodes.Status403Forbidden,
        "unauthenticated" => StatusCodes.Status401Unauthorized,
        "conflict" => StatusCodes.Status409Conflict,
        "invalid_argument" => StatusCodes.Status400BadRequest,
        "limit_exceeded" => StatusCodes.Status413PayloadTooLarge,
        "unavailable" => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public static string ToTitle(string code) => code switch
    {
        "not_found" => "Not found",
        "forbidden" => "Forbidden",
        "unauthenticated" => "Unauthenticated",
        "conflict" => "Conflict",
        "invalid_argument" => "Invalid argument",
        "limit_exceeded" => "Limit exceeded",
        "unavailable" => "Unavailable",
        _ => "Internal error",
    };
}
