namespace Conversations;

/// <content>The rate-limit instruments.</content>
public static partial class ConversationsDiagnostics
{
    /// <summary>
    /// Counter of calls refused by a rate limit, tagged <see cref="OperationTag"/> (<c>posts</c>, <c>stream_appends</c>,
    /// <c>direct_rooms</c>, <c>uploads</c>) and <see cref="ScopeTag"/> (<c>account</c> or <c>connection</c>).
    /// </summary>
    public const string RateLimitRefusals = "conversations.rate_limit.refusals";

    /// <summary>The tag naming the limited operation.</summary>
    public const string OperationTag = "conversations.operation";

    /// <summary>The tag naming the rate-limit scope.</summary>
    public const string ScopeTag = "conversations.rate_limit.scope";
}
