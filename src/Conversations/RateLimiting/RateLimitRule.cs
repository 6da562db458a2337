namespace Conversations;

/// <summary>A rate: at most <see cref="PermitLimit"/> calls in each <see cref="Window"/>.</summary>
/// <remarks>
/// Windows are fixed: the first call opens a window of <see cref="Window"/>, and the count starts again when it has passed.
/// A refused call is told how long its window still runs (the retry-after).
/// </remarks>
public sealed class RateLimitRule
{
    /// <summary>Initializes a new instance of the <see cref="RateLimitRule"/> class with one call per second.</summary>
    public RateLimitRule()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RateLimitRule"/> class.</summary>
    /// <param name="permitLimit">The most calls allowed in one window; at least 1.</param>
    /// <param name="window">The length of a window; more than zero and at most one day.</param>
    public RateLimitRule(int permitLimit, TimeSpan window)
    {
        PermitLimit = permitLimit;
        Window = window;
    }

    /// <summary>Gets or sets the most calls allowed in one window.</summary>
    /// <value>The default value is 1. Must be at least 1.</value>
    public int PermitLimit { get; set; } = 1;

    /// <summary>Gets or sets the length of a window.</summary>
    /// <value>The default value is one second. Must be more than zero and at most one day.</value>
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(1);

    /// <inheritdoc/>
    public override string ToString() => $"{PermitLimit} per {Window}";
}
