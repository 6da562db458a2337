/**
 * Builds the text of streaming messages from `conversation.message_delta` and `conversation.message_snapshot` events.
 *
 * The rules, which hold however the events interleave with reconnects:
 * - A message first seen streaming with empty text starts at chunk 0; chunks are appended in index order, each once.
 *   A chunk below the next expected index is a repeat and is ignored; one above it waits for the gap to fill.
 * - A message first seen streaming with text holds a stored checkpoint of unknown length: its chunks wait until a
 *   snapshot arrives, while the checkpoint is shown.
 * - A snapshot (`text` is exactly chunks `0 … deltaCount-1`) replaces the text and continues from `deltaCount`; held chunks at
 *   or above it are applied, lower ones dropped. A snapshot that is behind the text already assembled is ignored.
 * - The final `conversation.message_updated` (status `complete` or `failed`) or a deletion carries the whole text and ends
 *   the stream: later chunks and snapshots of that message are ignored.
 *
 * Apply every event of one conversation, in the order received, with {@link MessageTextAssembler.apply}.
 */
export class MessageTextAssembler {
    #entries = new Map();
    #maxHeld;
    /**
     * Creates an assembler.
     * @param maxHeldChunks - How many chunks one message may hold while it waits for a gap to fill or for a snapshot;
     *   past that the oldest held chunks are dropped (the final message still brings the whole text). Default 10,000.
     */
    constructor(maxHeldChunks = 10_000) {
        this.#maxHeld = maxHeldChunks;
    }
    /**
     * Applies one event. Returns the message's text after the event when the event changed it (or its status), otherwise
     * `undefined` (a repeat, a held chunk, or an event about something else).
     */
    apply(event) {
        switch (event.type) {
            case "conversation.message_posted":
            case "conversation.message_updated":
            case "conversation.message_deleted":
                return this.observe(event.message, event.type === "conversation.message_deleted");
            case "conversation.message_delta":
                return this.#delta(event.messageId, event.index, event.delta);
            case "conversation.message_snapshot":
                return this.#snapshot(event.messageId, event.text, event.deltaCount);
            default:
                return undefined;
        }
    }
    /**
     * Records a message read from history or a log event. A message that is no longer streaming fixes the text; a streaming
     * one starts (or keeps) its assembly.
     * @param message - The message.
     * @param deleted - Whether the message was deleted (its stream, if any, is over).
     */
    observe(message, deleted = false) {
        const existing = this.#entries.get(message.id);
        if (message.status !== "streaming" || deleted || message.deletedAt) {
            const text = message.deletedAt ? "" : message.text ?? "";
            const status = message.status === "streaming" ? "failed" : message.status;
            if (existing && existing.status !== "streaming" && existing.text === text && existing.status === status) {
                return undefined;
            }
            const entry = { text, status, next: null, held: new Map() };
            this.#entries.set(message.id, entry);
            return this.#view(message.id, entry);
        }
        if (existing) {
            if (existing.status !== "streaming") {
                return undefined; // already final: an older copy of the message
            }
            if (existing.next === null && (message.text ?? "").length > existing.text.length) {
                existing.text = message.text; // a newer checkpoint while we still wait for a snapshot
                return this.#view(message.id, existing);
            }
            return undefined;
        }
        const text = message.text ?? "";
        const entry = { text, status: "streaming", next: text.length === 0 ? 0 : null, held: new Map() };
        this.#entries.set(message.id, entry);
        return this.#view(message.id, entry);
    }
    /** The text of a message as assembled so far, or `undefined` when the assembler has not seen it. */
    get(messageId) {
        const entry = this.#entries.get(messageId);
        return entry ? this.#view(messageId, entry) : undefined;
    }
    /** Forgets a message (for example when a view drops it). */
    forget(messageId) {
        this.#entries.delete(messageId);
    }
    /** Forgets every message. */
    clear() {
        this.#entries.clear();
    }
    #delta(messageId, index, delta) {
        let entry = this.#entries.get(messageId);
        if (!entry) {
            // A chunk of a message we have not seen posted: only a first chunk is safe to start from.
            entry = { text: "", status: "streaming", next: index === 0 ? 0 : null, held: new Map() };
            this.#entries.set(messageId, entry);
        }
        if (entry.status !== "streaming" || (entry.next !== null && index < entry.next)) {
            return undefined;
        }
        if (entry.next === null || index > entry.next) {
            this.#hold(entry, index, delta);
            return undefined;
        }
        entry.text += delta;
        entry.next = index + 1;
        this.#drain(entry);
        return this.#view(messageId, entry);
    }
    #snapshot(messageId, text, deltaCount) {
        let entry = this.#entries.get(messageId);
        if (!entry) {
            entry = { text: "", status: "streaming", next: null, held: new Map() };
            this.#entries.set(messageId, entry);
        }
        if (entry.status !== "streaming" || (entry.next !== null && deltaCount < entry.next)) {
            return undefined;
        }
        entry.text = text;
        entry.next = deltaCount;
        for (const index of [...entry.held.keys()]) {
            if (index < deltaCount) {
                entry.held.delete(index);
            }
        }
        this.#drain(entry);
        return this.#view(messageId, entry);
    }
    #hold(entry, index, delta) {
        entry.held.set(index, delta);
        if (entry.held.size > this.#maxHeld) {
            const oldest = Math.min(...entry.held.keys());
            entry.held.delete(oldest);
        }
    }
    #drain(entry) {
        while (entry.next !== null && entry.held.has(entry.next)) {
            entry.text += entry.held.get(entry.next);
            entry.held.delete(entry.next);
            entry.next++;
        }
    }
    #view(messageId, entry) {
        return { messageId, text: entry.text, status: entry.status, nextIndex: entry.next };
    }
}
