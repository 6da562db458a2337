namespace Conversations;

/// <summary>
/// Rate limits on what a caller can do to others: posting, streaming, opening direct rooms and uploading. Each account
/// has its own budget (<see cref="PerAccount"/>) and, over a transport, each connection too (<see cref="PerConnection"/>),
/// so one caller flooding a room does not hold up anyone else. Registered with
/// <c>AddRateLimiting()</c>; validated when the host starts.
/// </summary>
/// <remarks>
/// A refused call changes nothing and fails with <see cref="LimitExceededException"/> (code <c>limit_exceeded</c>) whose
/// <see cref="LimitExceededException.RetryAfter"/> says when to try again; over the wire that is an error frame with
/// <c>retryAfterMs</c>, or HTTP 429 with a <c>Retry-After</c> header. The host acting as <see cref="Account.System"/> is
/// never limited; agents are limited only when <see cref="LimitAgents"/> is set.
/// </remarks>
public sealed class ConversationsRateLimitOptions
{
    /// <summary>Gets the rates each account gets, summed over all its connections and calls in this process.</summary>
    /// <value>
    /// The defaults are 30 posts per 10 seconds, 300 stream appends per 10 seconds, 20 direct-room requests per minute and
    /// 30 uploads per minute.
    /// </value>
    public RateLimitRules PerAccount { get; } = new()
    {
        Posts = new RateLimitRule(30, TimeSpan.FromSeconds(10)),
        StreamAppends = new RateLimitRule(300, TimeSpan.FromSeconds(10)),
        DirectRooms = new RateLimitRule(20, TimeSpan.FromMinutes(1)),
        Uploads = new RateLimitRule(30, TimeSpan.FromMinutes(1)),
    };

    /// <summary>
    /// Gets the rates each transport connection gets (a WebSocket; over HTTP, each account on a connection, since a reverse
    /// proxy carries many users' requests over one), checked before the account's.
    /// </summary>
    /// <value>
    /// The defaults are 10 posts per second, 100 stream appends per second, 10 direct-room requests per 10 seconds and
    /// 10 uploads per 10 seconds.
    /// </value>
    public RateLimitRules PerConnection { get; } = new()
    {
        Posts = new RateLimitRule(10, TimeSpan.FromSeconds(1)),
        StreamAppends = new RateLimitRule(100, TimeSpan.FromSeconds(1)),
        DirectRooms = new RateLimitRule(10, TimeSpan.FromSeconds(10)),
        Uploads = new RateLimitRule(10, TimeSpan.FromSeconds(10)),
    };

    /// <summary>
    /// Gets or sets a value indicating whether agent accounts are limited like users. Agents stream replies chunk by chunk
    /// and answer every message, so they are trusted by default; the agent-chain depth already stops agents answering agents.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool LimitAgents { get; set; }
}
