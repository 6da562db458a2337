/**
 * A minimal typed event emitter. Listeners run synchronously in the order they were added; a listener that throws is
 * reported to `onListenerError` and does not stop the others.
 */
export class Emitter {
    #listeners = new Map();
    #onListenerError;
    constructor(onListenerError = (e) => setTimeout(() => { throw e; })) {
        this.#onListenerError = onListenerError;
    }
    /** Adds a listener; returns a function that removes it. */
    on(name, listener) {
        let set = this.#listeners.get(name);
        if (!set) {
            set = new Set();
            this.#listeners.set(name, set);
        }
        set.add(listener);
        return () => this.off(name, listener);
    }
    /** Removes a listener. */
    off(name, listener) {
        this.#listeners.get(name)?.delete(listener);
    }
    /** Calls every listener of `name` with `args`. */
    emit(name, ...args) {
        const set = this.#listeners.get(name);
        if (!set) {
            return;
        }
        for (const listener of [...set]) {
            try {
                listener(...args);
            }
            catch (e) {
                this.#onListenerError(e);
            }
        }
    }
    /** Removes every listener. */
    clear() {
        this.#listeners.clear();
    }
}
