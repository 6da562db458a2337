import { ConversationsClient, type AccessTokenProvider, type WebSocketConstructor } from "../client.js";
/** Colours of the widget; any CSS colour. */
export interface WidgetColors {
    /** The launcher, the header and the visitor's bubbles. */
    accent?: string;
    /** Text on the accent colour. */
    accentText?: string;
    /** The panel's background. */
    background?: string;
    /** The text colour. */
    text?: string;
    /** The agent's bubbles. */
    bubble?: string;
}
/** Options of {@link mountWidget}. */
export interface WidgetOptions {
    /** The Conversations host, for example `https://chat.example.com`. */
    endpoint: string;
    /** The path where the host maps Conversations. Default `/conversations`. */
    path?: string;
    /** The agent's account id; the widget opens the visitor's direct room with it. */
    agentId: string;
    /** The agent's name, shown on its typing indicator. Default: the title. */
    agentName?: string;
    /** The panel's title. Default `Chat`. */
    title?: string;
    /** The visitor's name as the agent sees it. Default `Guest`. */
    visitorName?: string;
    /** A first line shown above the conversation (not stored). */
    greeting?: string;
    /**
     * Supplies the visitor's access token, issued by the host: the widget never decides who the visitor is. Give this or
     * `tokenUrl`.
     */
    accessToken?: AccessTokenProvider;
    /**
     * A URL that issues visitor tokens: `POST` (with `{"refreshToken": …}` to renew) answering
     * `{"accessToken": …, "expiresIn": seconds, "refreshToken": …}`. Tokens are kept in `localStorage`, so a visitor keeps
     * their conversation across reloads.
     */
    tokenUrl?: string;
    /** The colours. */
    colors?: WidgetColors;
    /** The corner: `right` (default) or `left`. */
    position?: "right" | "left";
    /** Open the panel at once. Default false: the widget connects when the visitor first opens it. */
    open?: boolean;
    /** Where to add the widget. Default `document.body`. */
    container?: HTMLElement;
    /** The WebSocket implementation (tests). Default the browser's. */
    WebSocket?: WebSocketConstructor;
}
/** A mounted widget. */
export interface WidgetHandle {
    /** The element that hosts the widget's shadow root. */
    readonly element: HTMLElement;
    /** The client, once the widget has connected. */
    readonly client: ConversationsClient | null;
    /** Opens the panel (and connects on first open). */
    open(): void;
    /** Closes the panel; the connection stays. */
    close(): void;
    /** Removes the widget and closes its connection. */
    destroy(): Promise<void>;
}
/**
 * Adds a chat bubble to the page. Opening it connects to the host (with the visitor's token), opens the visitor's direct
 * room with the agent, and shows the conversation; the agent's replies stream in as they are written. The widget's DOM lives
 * in a shadow root, and message text is always set as text, never as HTML.
 *
 * @example
 * ```ts
 * import { mountWidget } from "https://chat.example.com/sdk/widget/widget.js";
 * mountWidget({ endpoint: "https://chat.example.com", agentId: "assistant", accessToken: () => myBackend.chatToken() });
 * ```
 */
export declare function mountWidget(options: WidgetOptions): WidgetHandle;
/**
 * Mounts a widget configured by a `<script>` element's data attributes: `data-endpoint` (default: the script's origin),
 * `data-agent-id`, `data-agent-name`, `data-title`, `data-greeting`, `data-visitor-name`, `data-token-url`, `data-accent-color`,
 * `data-accent-text-color`, `data-background-color`, `data-text-color`, `data-bubble-color`, `data-position`, `data-open`.
 */
export declare function mountFromScript(script: HTMLScriptElement): WidgetHandle;
