/**
 * Retries at once, then after delays that double from `initialDelayMs` up to `maxDelayMs`, each stretched by up to
 * `jitter` at random, until `maxElapsedMs` has passed (if set).
 */
export class ExponentialBackoff {
    #initial;
    #max;
    #jitter;
    #maxElapsed;
    #random;
    /**
     * Creates the policy.
     * @throws RangeError when a delay is negative, `maxDelayMs` is below `initialDelayMs`, or `jitter` is outside [0, 1].
     */
    constructor(options = {}) {
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
    nextRetryDelay(context) {
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
