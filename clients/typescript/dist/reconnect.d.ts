/** What a reconnect policy is told before each attempt. */
export interface RetryContext {
    /** How many attempts failed since the connection was lost (0 before the first). */
    previousRetryCount: number;
    /** Milliseconds since the connection was lost. */
    elapsedMs: number;
    /** Why the last attempt failed, or why the connection was lost. */
    reason: unknown;
}
/** Decides how long to wait before the next reconnect attempt, or to give up. */
export interface ReconnectPolicy {
    /**
     * Returns the delay in milliseconds before the next attempt, or `null` to stop reconnecting (the client then closes
     * and pending commands fail with `unavailable`).
     */
    nextRetryDelay(context: RetryContext): number | null;
}
/** Options of {@link ExponentialBackoff}. */
export interface ExponentialBackoffOptions {
    /** The delay before the second attempt (the first is immediate). Default 500 ms. */
    initialDelayMs?: number;
    /** The longest delay between attempts. Default 30 s. */
    maxDelayMs?: number;
    /** The share of each delay added at random, from 0 to 1, so clients cut off together do not return together. Default 0.2. */
    jitter?: number;
    /** How long to keep trying, in milliseconds; absent to try for ever. */
    maxElapsedMs?: number;
    /** The source of randomness, returning a number in [0, 1). Default `Math.random`. */
    random?: () => number;
}
/**
 * Retries at once, then after delays that double from `initialDelayMs` up to `maxDelayMs`, each stretched by up to
 * `jitter` at random, until `maxElapsedMs` has passed (if set).
 */
export declare class ExponentialBackoff implements ReconnectPolicy {
    #private;
    /**
     * Creates the policy.
     * @throws RangeError when a delay is negative, `maxDelayMs` is below `initialDelayMs`, or `jitter` is outside [0, 1].
     */
    constructor(options?: ExponentialBackoffOptions);
    /** {@inheritDoc ReconnectPolicy.nextRetryDelay} */
    nextRetryDelay(context: RetryContext): number | null;
}
