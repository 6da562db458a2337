using System.Threading.RateLimiting;

namespace Conversations.Internal;

/// <summary>
/// A fixed-window <see cref="RateLimiter"/> on the injected <see cref="TimeProvider"/> (the runtime's limiters read the
/// machine's clock, which tests cannot move). The first call opens a window; a refused lease carries the time left in it
/// as <see cref="MetadataName.RetryAfter"/>. Nothing is queued: a call is granted or refused at once.
/// </summary>
internal sealed class WindowRateLimiter : RateLimiter
{
    private static readonly RateLimitLease s_granted = new WindowLease(true, null);

    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private long _windowStart;
    private int _used;
    private long _granted;
    private long _refused;

    public WindowRateLimiter(int permitLimit, TimeSpan window, TimeProvider time)
    {
        _permitLimit = permitLimit;
        _window = window;
        _time = time;
        _windowStart = time.GetTimestamp();
    }

    /// <summary>Gets how long every permit has been free, or <see langword="null"/> while a window has permits in use.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var elapsed = _time.GetElapsedTime(_windowStart);
                return _used == 0 ? elapsed : elapsed >= _window ? elapsed - _window : null;
            }
        }
    }

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            var open = _used > 0 && _time.GetElapsedTime(_windowStart) < _window;
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = open ? _permitLimit - _used : _permitLimit,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(permitCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_windowStart, now);
            if (_used == 0 || elapsed >= _window)
            {
                _windowStart = now;
                _used = 0;
                elapsed = TimeSpan.Zero;
            }

            if (_used + permitCount <= _permitLimit && (permitCount > 0 || _used < _permitLimit))
            {
                _used += permitCount;
                _granted++;
                return s_granted;
            }

            _refused++;
            return new WindowLease(false, _window - elapsed);
        }
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested
            ? ValueTask.FromCanceled<RateLimitLease>(cancellationToken)
            : ValueTask.FromResult(AttemptAcquireCore(permitCount));

    private sealed class WindowLease(bool isAcquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => isAcquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            if (retryAfter is { } value && metadataName == MetadataName.RetryAfter.Name)
            {
                metadata = value;
                return true;
            }

            metadata = null;
            return false;
        }
    }
}
