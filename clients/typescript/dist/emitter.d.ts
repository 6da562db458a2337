/** A listener of one event; returned unsubscribe functions remove it. */
export type Listener<A extends unknown[]> = (...args: A) => void;
/**
 * A minimal typed event emitter. Listeners run synchronously in the order they were added; a listener that throws is
 * reported to `onListenerError` and does not stop the others.
 */
export declare class Emitter<Events extends {
    [K in keyof Events]: unknown[];
}> {
    #private;
    constructor(onListenerError?: (error: unknown) => void);
    /** Adds a listener; returns a function that removes it. */
    on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void;
    /** Removes a listener. */
    off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void;
    /** Calls every listener of `name` with `args`. */
    emit<K extends keyof Events>(name: K, ...args: Events[K]): void;
    /** Removes every listener. */
    clear(): void;
}
