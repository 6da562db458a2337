namespace Conversations.Protocol;

/// <summary>An RFC 9457 problem-details body with the error's stable code.</summary>
internal sealed class ProblemBody
{
    public string Type { get; set; } = "about:blank";

    public string? Title { get; set; }

    public int Status { get; set; }

    public string? Detail { get; set; }

    public string? Code { get; set; }

    /// <summary>Gets or sets, for a rate limit, how long to wait before the call can succeed (milliseconds, rounded up).</summary>
    public long? RetryAfterMs { get; set; }
}
