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
export class ExponentialBackoff implements ReconnectPolicy {
  readonly #initial: number;
  readonly #max: number;
  readonly #jitter: number;
  readonly #maxElapsed: number | undefined;
  readonly #random: () => number;

  /**
   * Creates the policy.
   * @throws RangeError when a delay is negative, `maxDelayMs` is below `initialDelayMs`, or `jitter` is outside [0, 1].
   */
  constructor(options: ExponentialBackoffOptions = {}) {
    this.#initial = options.initialDelayMs ?? 500;
    this.#max = options.maxDelayMs ?? 30_000;
    this.#jitter = options.jitter ?? 0.2;
    this.#maxElapsed = options.maxElapsedMs;
    this.#random = options.random ?? Math.random;
    if (!(this.#initial >= 0) || !(this.#max >= this.#initial)) {
      throw new RangeError("ExponentialBackoff needs 0 <= initialDelayMs <= maxDelayMs.");
    }
    if (!(this.#jitter >= 0 && this.#jitter <= 1)) {
      throw new RangeError("ExponentialBackoff needs jitter between 0 and 1.");
    }
    if (this.#maxElapsed !== undefined && !(this.#maxElapsed >= 0)) {
      throw new RangeError("ExponentialBackoff needs maxElapsedMs >= 0.");
    }
  }

  /** {@inheritDoc ReconnectPolicy.nextRetryDelay} */
  nextRetryDelay(context: RetryContext): number | null {
    if (this.#maxElapsed !== undefined && context.elapsedMs >= this.#maxElapsed) {
      return null;
    }
    if (context.previousRetryCount === 0) {
      return 0;
    }
    const exponent = Math.min(context.previousRetryCount - 1, 30);
    const delay = Math.min(this.#initial * 2 ** exponent, this.#max);
    return Math.round(delay * (1 + this.#jitter * this.#random()));
  }
}
