namespace Conversations.Client;

/// <summary>
/// Retries at once, then after delays that double from <see cref="InitialDelay"/> up to <see cref="MaxDelay"/>, with up to
/// 20% random jitter, until <see cref="MaxElapsedTime"/> has passed.
/// </summary>
public sealed class ExponentialBackoffReconnectPolicy : IReconnectPolicy
{
    /// <summary>Gets the delay before the second attempt.</summary>
    /// <value>The default value is 500 milliseconds.</value>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets the longest delay between attempts.</summary>
    /// <value>The default value is 30 seconds.</value>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long to keep trying; <see langword="null"/> to try for ever.</summary>
    /// <value>The default value is <see langword="null"/>.</value>
    public TimeSpan? MaxElapsedTime { get; init; }

    /// <summary>Gets or sets the source of jitter. Tests can pass a seeded instance.</summary>
    /// <value>The default value is <see cref="Random.Shared"/>.</value>
    public Random Random { get; init; } = Random.Shared;

    /// <inheritdoc />
    public TimeSpan? NextRetryDelay(RetryContext retryContext)
    {
        ArgumentNullException.ThrowIfNull(retryContext);
        if (MaxElapsedTime is { } max && retryContext.ElapsedTime >= max)
        {
            return null;
        }

        if (retryContext.PreviousRetryCount == 0)
        {
            return TimeSpan.Zero;
        }

        var exponent = Math.Min(retryContext.PreviousRetryCount - 1, 30);
        var delay = Math.Min(InitialDelay.TotalMilliseconds * Math.Pow(2, exponent), MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (1 + (0.2 * Random.NextDouble())));
    }
}
