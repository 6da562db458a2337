import type { ConversationEvent, Message, MessageStatus } from "./protocol.js";
/** The text of one message as far as the client knows it. */
export interface AssembledText {
    /** The message's identifier. */
    messageId: string;
    /** The text so far (the whole text once the message is no longer streaming). */
    text: string;
    /** `streaming` until the final `conversation.message_updated` arrives. */
    status: MessageStatus;
    /**
     * The index of the next chunk this text is waiting for, or `null` while the text is a stored checkpoint whose chunk count
     * is not known (chunks are then held until a snapshot says where the checkpoint ends).
     */
    nextIndex: number | null;
}
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
export declare class MessageTextAssembler {
    #private;
    /**
     * Creates an assembler.
     * @param maxHeldChunks - How many chunks one message may hold while it waits for a gap to fill or for a snapshot;
     *   past that the oldest held chunks are dropped (the final message still brings the whole text). Default 10,000.
     */
    constructor(maxHeldChunks?: number);
    /**
     * Applies one event. Returns the message's text after the event when the event changed it (or its status), otherwise
     * `undefined` (a repeat, a held chunk, or an event about something else).
     */
    apply(event: ConversationEvent): AssembledText | undefined;
    /**
     * Records a message read from history or a log event. A message that is no longer streaming fixes the text; a streaming
     * one starts (or keeps) its assembly.
     * @param message - The message.
     * @param deleted - Whether the message was deleted (its stream, if any, is over).
     */
    observe(message: Message, deleted?: boolean): AssembledText | undefined;
    /** The text of a message as assembled so far, or `undefined` when the assembler has not seen it. */
    get(messageId: string): AssembledText | undefined;
    /** Forgets a message (for example when a view drops it). */
    forget(messageId: string): void;
    /** Forgets every message. */
    clear(): void;
}
