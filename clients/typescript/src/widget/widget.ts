import { ConversationsClient, type AccessTokenProvider, type ConnectionState, type WebSocketConstructor } from "../client.js";
import { openConversation, type ConversationView, type ViewMessage } from "../conversation-view.js";
import { ConversationsError, ErrorCodes } from "../errors.js";
import { widgetStyles } from "./styles.js";

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

const ICON = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z";

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
export function mountWidget(options: WidgetOptions): WidgetHandle {
  if (!options || !options.endpoint || !options.agentId) {
    throw new TypeError("mountWidget needs endpoint and agentId.");
  }
  return new ChatWidget(options).handle;
}

/**
 * Mounts a widget configured by a `<script>` element's data attributes: `data-endpoint` (default: the script's origin),
 * `data-agent-id`, `data-agent-name`, `data-title`, `data-greeting`, `data-visitor-name`, `data-token-url`, `data-accent-color`,
 * `data-accent-text-color`, `data-background-color`, `data-text-color`, `data-bubble-color`, `data-position`, `data-open`.
 */
export function mountFromScript(script: HTMLScriptElement): WidgetHandle {
  const d = script.dataset;
  const origin = new URL(script.src, document.baseURI).origin;
  const endpoint = d.endpoint || origin;
  if (!d.agentId) {
    throw new TypeError("The Conversations widget needs data-agent-id on its script tag.");
  }
  const options: WidgetOptions = {
    endpoint,
    agentId: d.agentId,
    open: d.open === "true" || d.open === "",
    position: d.position === "left" ? "left" : "right",
    colors: {
      accent: d.accentColor,
      accentText: d.accentTextColor,
      background: d.backgroundColor,
      text: d.textColor,
      bubble: d.bubbleColor,
    },
  };
  if (d.path) options.path = d.path;
  if (d.agentName) options.agentName = d.agentName;
  if (d.title) options.title = d.title;
  if (d.greeting) options.greeting = d.greeting;
  if (d.visitorName) options.visitorName = d.visitorName;
  if (d.tokenUrl) options.tokenUrl = new URL(d.tokenUrl, endpoint).toString();
  return mountWidget(options);
}

class ChatWidget {
  readonly handle: WidgetHandle;
  readonly #options: WidgetOptions;
  readonly #host: HTMLElement;
  readonly #root: ShadowRoot;
  readonly #els: {
    launcher: HTMLButtonElement;
    panel: HTMLElement;
    status: HTMLElement;
    list: HTMLOListElement;
    typing: HTMLElement;
    problem: HTMLElement;
    form: HTMLFormElement;
    text: HTMLTextAreaElement;
    send: HTMLButtonElement;
  };
  readonly #rendered = new Map<string, HTMLLIElement>();
  #client: ConversationsClient | null = null;
  #view: ConversationView | null = null;
  #starting: Promise<void> | null = null;
  #destroyed = false;
  #failing = false;
  #stop = new AbortController();

  constructor(options: WidgetOptions) {
    this.#options = options;
    this.#host = document.createElement("div");
    this.#host.setAttribute("data-conversations-widget", "");
    this.#host.dataset.position = options.position ?? "right";
    this.#host.dataset.state = "idle";
    const colors = options.colors ?? {};
    const style = this.#host.style;
    if (colors.accent) style.setProperty("--cw-accent", colors.accent);
    if (colors.accentText) style.setProperty("--cw-accent-text", colors.accentText);
    if (colors.background) style.setProperty("--cw-background", colors.background);
    if (colors.text) style.setProperty("--cw-text", colors.text);
    if (colors.bubble) style.setProperty("--cw-bubble", colors.bubble);
    this.#root = this.#host.attachShadow({ mode: "open" });
    this.#els = this.#build();
    (options.container ?? document.body).append(this.#host);

    const widget = this;
    this.handle = {
      element: this.#host,
      get client() {
        return widget.#client;
      },
      open: () => this.#open(),
      close: () => this.#close(),
      destroy: () => this.#destroy(),
    };
    if (options.open) {
      this.#open();
    }
  }

  #build() {
    const title = this.#options.title ?? "Chat";
    const style = el("style");
    style.textContent = widgetStyles;

    const launcher = el("button", "launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-label", `Open ${title}`);
    launcher.setAttribute("aria-expanded", "false");
    const svgNs = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(svgNs, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    const path = document.createElementNS(svgNs, "path");
    path.setAttribute("d", ICON);
    svg.append(path);
    launcher.append(svg);

    const panel = el("section", "panel");
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", title);
    const head = el("header", "head");
    const titles = el("div", "title");
    const h2 = el("h2");
    h2.textContent = title;
    const status = el("div", "status");
    status.textContent = "";
    titles.append(h2, status);
    const close = el("button", "close");
    close.type = "button";
    close.setAttribute("aria-label", "Close chat");
    close.textContent = "×";
    head.append(titles, close);

    const list = el("ol", "messages");
    list.setAttribute("aria-live", "polite");
    if (this.#options.greeting) {
      const li = el("li", "msg greeting");
      const body = el("div", "body");
      body.textContent = this.#options.greeting;
      li.append(body);
      list.append(li);
    }
    const typing = el("div", "typing");
    const problem = el("div", "problem");
    problem.hidden = true;
    problem.setAttribute("role", "alert");
    const form = el("form", "composer");
    const text = el("textarea");
    text.rows = 1;
    text.placeholder = "Write a message…";
    text.setAttribute("aria-label", "Message");
    text.maxLength = 4000;
    const send = el("button");
    send.type = "submit";
    send.textContent = "Send";
    form.append(text, send);
    panel.append(head, list, typing, problem, form);
    this.#root.append(style, panel, launcher);

    launcher.addEventListener("click", () => (panel.hidden ? this.#open() : this.#close()));
    close.addEventListener("click", () => this.#close());
    panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.#close();
    });
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.#send();
    });
    text.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        this.#send();
      } else {
        this.#view?.notifyTyping();
      }
    });
    return { launcher, panel, status, list, typing, problem, form, text, send };
  }

  #open(): void {
    if (this.#destroyed) return;
    this.#els.panel.hidden = false;
    this.#els.launcher.setAttribute("aria-expanded", "true");
    this.#host.dataset.open = "true";
    this.#els.text.focus();
    this.#view?.markRead();
    this.#starting ??= this.#start().catch((e) => {
      this.#showProblem(e);
      this.#starting = null; // opening again tries again
    });
    this.#scrollToEnd();
  }

  #close(): void {
    this.#els.panel.hidden = true;
    this.#els.launcher.setAttribute("aria-expanded", "false");
    delete this.#host.dataset.open;
    this.#els.launcher.focus();
  }

  async #destroy(): Promise<void> {
    this.#destroyed = true;
    this.#stop.abort();
    await this.#view?.close();
    await this.#client?.close();
    this.#host.remove();
  }

  async #start(): Promise<void> {
    try {
      await this.#connectAndOpen();
    } catch (e) {
      const client = this.#client;
      this.#client = null;
      await client?.close();
      throw e;
    }
  }

  async #connectAndOpen(): Promise<void> {
    const o = this.#options;
    const tokens = o.accessToken ?? (o.tokenUrl ? visitorTokens(o.tokenUrl) : undefined);
    const url = new URL(o.path ?? "/conversations", o.endpoint);
    const client = new ConversationsClient({ url, accessToken: tokens, WebSocket: o.WebSocket });
    this.#client = client;
    client.on("state", (state) => this.#setState(state));
    this.#setState("connecting");
    const signal = this.#stop.signal;
    let welcome;
    try {
      welcome = await client.connect({ signal });
    } catch (e) {
      if (signal.aborted) throw e;
      // Say so at once, then keep trying in the background (the host may be restarting, or the network away).
      this.#showProblem(e);
      welcome = await client.connect({ retry: true, signal });
      this.#hideProblem();
    }
    const room = await client.directRoom([
      { accountId: welcome.accountId, kind: welcome.accountKind, displayName: o.visitorName ?? "Guest" },
      { accountId: o.agentId, kind: "agent", autoRespond: true, displayName: o.agentName ?? o.title ?? o.agentId },
    ], { signal });
    const conversations = await client.listConversations(room.id, { signal });
    const conversation = conversations.at(-1) ?? (await client.createConversation(room.id, o.title ?? "Chat", { signal }));
    const view = await openConversation(client, conversation.id, { historyLimit: 50, signal });
    this.#view = view;
    this.#host.dataset.conversationId = conversation.id;
    view.items.forEach((item) => this.#render(item));
    view.on("message", (item) => this.#render(item));
    view.on("removed", (item) => {
      this.#rendered.get(item.key)?.remove();
      this.#rendered.delete(item.key);
    });
    view.on("typing", (ids) => {
      this.#els.typing.textContent = ids.length > 0 ? `${o.agentName ?? o.title ?? "The agent"} is typing…` : "";
    });
    view.on("flowFailed", () => this.#showProblem(new ConversationsError(ErrorCodes.internal, "The agent could not answer. Please try again.")));
    view.on("ended", (error) => this.#showProblem(error ?? new ConversationsError(ErrorCodes.forbidden, "This chat has ended.")));
    this.#hideProblem();
    this.#setState(client.state);
    this.#scrollToEnd();
    view.markRead();
  }

  #send(): void {
    const text = this.#els.text.value.trim();
    if (!text || !this.#view) return;
    this.#els.text.value = "";
    this.#view.send(text).catch(() => {
      // The item shows "not sent"; nothing else to do.
    });
  }

  #render(item: ViewMessage): void {
    const mine = item.senderId === this.#client?.accountId;
    let li = this.#rendered.get(item.key);
    if (!li) {
      li = el("li", "msg");
      li.append(el("div", "body"), el("div", "note"));
      this.#rendered.set(item.key, li);
      this.#insert(li, item);
    } else if (li.dataset.sequence !== String(item.sequence ?? "")) {
      this.#insert(li, item);
    }
    li.classList.toggle("mine", mine);
    li.classList.toggle("agent", item.message?.senderKind === "agent");
    li.dataset.status = item.status;
    li.dataset.key = item.key;
    if (item.message) li.dataset.messageId = item.message.id;
    const body = li.querySelector(".body")!;
    body.textContent = item.status === "deleted" ? "This message was deleted." : item.text;
    if (item.status === "streaming") body.append(el("span", "caret"));
    const note = li.querySelector(".note")!;
    note.textContent = item.status === "pending" ? (this.#client?.state === "open" ? "Sending…" : "Waiting for connection…")
      : item.status === "unsent" ? "Not sent" + (item.error ? `: ${item.error.message}` : "")
        : item.status === "failed" ? "The reply was interrupted."
          : item.status === "stopped" ? "Stopped." : "";
    if (!this.#els.panel.hidden && !document.hidden && (item.status === "complete" || item.status === "streaming")) this.#view?.markRead();
    this.#scrollToEnd();
  }

  #insert(li: HTMLLIElement, item: ViewMessage): void {
    li.dataset.sequence = String(item.sequence ?? "");
    if (item.sequence === null) {
      this.#els.list.append(li);
      return;
    }
    const after = [...this.#els.list.children].find((c) => {
      const s = (c as HTMLElement).dataset.sequence;
      return c !== li && (s === "" || (s !== undefined && Number(s) > item.sequence!));
    });
    this.#els.list.insertBefore(li, after ?? null);
  }

  #setState(state: ConnectionState | "error"): void {
    if (this.#failing && state !== "open") state = "error"; // keep saying it failed until it works
    this.#host.dataset.state = state;
    this.#els.status.textContent = state === "open" ? "Online" : state === "reconnecting" ? "Reconnecting…" : state === "connecting" ? "Connecting…" : state === "error" ? "Offline" : "";
    this.#els.send.disabled = !this.#view;
    for (const item of this.#view?.items ?? []) {
      if (item.status === "pending") this.#render(item);
    }
  }

  #showProblem(error: unknown): void {
    if (this.#destroyed) return;
    const message = ConversationsError.is(error) ? error.message : "The chat could not start.";
    this.#els.problem.textContent = message;
    this.#els.problem.hidden = false;
    if (!this.#view) {
      this.#failing = true;
      this.#setState("error");
    }
  }

  #hideProblem(): void {
    this.#failing = false;
    this.#els.problem.hidden = true;
    this.#els.problem.textContent = "";
  }

  #scrollToEnd(): void {
    const list = this.#els.list;
    list.scrollTop = list.scrollHeight;
  }
}

interface StoredToken {
  accessToken: string;
  expiresAt: number;
  refreshToken?: string;
}

/** Gets visitor tokens from `tokenUrl`, keeps them in localStorage, and renews them with the refresh token. */
function visitorTokens(tokenUrl: string): AccessTokenProvider {
  const key = "conversations-widget:" + tokenUrl;
  const load = (): StoredToken | null => {
    try {
      const raw = localStorage.getItem(key);
      return raw ? (JSON.parse(raw) as StoredToken) : null;
    } catch {
      return null;
    }
  };
  const save = (token: StoredToken | null) => {
    try {
      if (token) localStorage.setItem(key, JSON.stringify(token));
      else localStorage.removeItem(key);
    } catch {
      // Storage may be off (private mode, sandboxed frames): the token lives for this page only.
    }
  };
  let memory: StoredToken | null = null;
  const request = async (body: object, signal: AbortSignal): Promise<StoredToken | null> => {
    let response: Response;
    try {
      response = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal, credentials: "omit" });
    } catch (e) {
      if (signal.aborted) throw e;
      throw new ConversationsError(ErrorCodes.unavailable, "Could not get a visitor token: the chat host refused this site or cannot be reached.", { cause: e });
    }
    if (response.status === 400 || response.status === 401) return null;
    if (!response.ok) {
      throw new ConversationsError(response.status === 403 ? ErrorCodes.forbidden : ErrorCodes.unavailable, `The chat host refused a visitor token (HTTP ${response.status}).`);
    }
    const json = (await response.json()) as { accessToken?: unknown; expiresIn?: unknown; refreshToken?: unknown };
    if (typeof json.accessToken !== "string") {
      throw new ConversationsError(ErrorCodes.unavailable, "The chat host answered without an access token.");
    }
    const expiresIn = typeof json.expiresIn === "number" ? json.expiresIn : 3600;
    const token: StoredToken = { accessToken: json.accessToken, expiresAt: Date.now() + expiresIn * 1000 };
    if (typeof json.refreshToken === "string") token.refreshToken = json.refreshToken;
    return token;
  };
  return async ({ signal }) => {
    const current = memory ?? load();
    if (current && current.expiresAt - 60_000 > Date.now()) {
      memory = current;
      return current.accessToken;
    }
    let next = current?.refreshToken ? await request({ refreshToken: current.refreshToken }, signal) : null;
    next ??= await request({}, signal);
    if (!next) {
      throw new ConversationsError(ErrorCodes.unauthenticated, "The chat host did not issue a visitor token.");
    }
    memory = next;
    save(next);
    return next.accessToken;
  };
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  return element;
}
