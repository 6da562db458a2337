// Conversations sample chat: the page's UI on top of the TypeScript SDK (served from /sdk, built from clients/typescript).
// The SDK does the socket work — commands, reconnect with backoff, resuming subscriptions (the inbox and each
// conversation), the offline post queue, streamed text; this file renders, routes (/rooms/{id}/conversations/{id}) and
// wires the controls. Message text is shown through markdown.js (markdown-it + DOMPurify), never as raw HTML.
import { ConversationsClient, openConversation } from "/sdk/index.js";
import { copyText, markdownToText, renderMarkdown } from "/markdown.js";
import { createAssetsUi } from "/assets.js";

const MAX_TEXT = 32_000; // the host's MaxTextLength
const COUNTER_FROM = 30_000; // show the counter this close to the limit

const $ = (id) => document.getElementById(id);
const state = {
  me: null, agent: null, startedAt: Date.now(),
  inbox: null, titles: new Map(), names: new Map(),
  room: null, roomReady: null, roomSub: null, participants: [], conversations: [], conversation: null,
  view: null, elements: new Map(), // view item key → <li>
  loadingOlder: false, replyTo: null, editing: null, navigation: 0,
};

const client = new ConversationsClient({ url: "/conversations" });
client.on("state", (s) => {
  const text = { open: "online", connecting: "connecting…", reconnecting: "reconnecting…", closed: "offline", idle: "offline" }[s];
  $("conn-state").textContent = text;
  $("conn-state").classList.toggle("bad", s !== "open" && s !== "connecting");
  document.body.dataset.connection = text;
  if (state.view) for (const item of state.view.items) if (item.status === "pending") render(item);
});
client.on("serverError", (e) => toast(describe(e)));

// ---------- toasts: a corner region that never covers the message box and never takes its clicks ----------
function toast(text, kind = "error") {
  const box = document.createElement("div");
  box.className = "toast " + kind;
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  const message = span("toast-text", text);
  const close = document.createElement("button");
  close.type = "button";
  close.className = "toast-close";
  close.setAttribute("aria-label", "Dismiss");
  close.textContent = "✕";
  close.onclick = () => box.remove();
  box.append(message, close);
  $("toasts").append(box);
  while ($("toasts").children.length > 3) $("toasts").firstElementChild.remove();
  setTimeout(() => box.remove(), kind === "error" ? 10_000 : 6_000);
}

/** A readable sentence for any failure: the SDK's typed errors, problem details, strings. */
function describe(e) {
  if (typeof e === "string") return e;
  if (e && typeof e === "object") {
    const text = e.message || e.detail || e.errorMessage;
    const code = e.code || e.errorCode;
    if (text) return code && !text.includes(code) ? `${text} (${code})` : text;
    if (code) return `The server refused: ${code}.`;
  }
  return "Something went wrong.";
}
const guard = (p) => p.catch((e) => toast(describe(e)));

// ---------- routing: /rooms/{roomId}/conversations/{conversationId} ----------
function parseLocation() {
  const m = location.pathname.match(/^\/rooms\/([^/]+)(?:\/conversations\/([^/]+))?\/?$/);
  return m ? { roomId: decodeURIComponent(m[1]), conversationId: m[2] ? decodeURIComponent(m[2]) : null } : { roomId: null, conversationId: null };
}

function urlOf(roomId, conversationId) {
  if (!roomId) return "/";
  return "/rooms/" + encodeURIComponent(roomId) + (conversationId ? "/conversations/" + encodeURIComponent(conversationId) : "");
}

function go(roomId, conversationId, { replace = false } = {}) {
  const url = urlOf(roomId, conversationId);
  if (url !== location.pathname) history[replace ? "replaceState" : "pushState"](null, "", url);
  return navigate(parseLocation());
}

async function navigate({ roomId, conversationId }) {
  const turn = ++state.navigation;
  if (!roomId) {
    closeRoom();
    return;
  }
  await openRoom(roomId, conversationId, turn);
}
window.addEventListener("popstate", () => guard(navigate(parseLocation())));

// ---------- start ----------
async function start() {
  const res = await fetch("/demo/me");
  if (res.status === 401) {
    if (location.pathname !== "/") history.replaceState(null, "", "/");
    $("signin").hidden = false;
    return;
  }
  if (!res.ok) { toast("Could not load your account (" + res.status + ")."); return; }
  const me = await res.json();
  state.me = { id: me.id, displayName: me.displayName };
  state.agent = me.agent;
  state.names.set(me.id, me.displayName);
  state.names.set(me.agent.id, me.agent.displayName);
  $("me-name").textContent = me.displayName;
  $("me-avatar").textContent = initials(me.displayName);
  $("app").hidden = false;
  await client.connect({ retry: true });
  // The inbox keeps the room list current: rooms joined and left, last messages, unread counts. No polling.
  state.inbox = await client.subscribeInbox({ onEvent: onInboxEvent });
  renderRooms();
  await navigate(parseLocation());
}

// ---------- rooms: the inbox ----------
function onInboxEvent(e) {
  if (e.type === "inbox.room_added" && Date.parse(e.entry.joinedAt) >= state.startedAt - 2_000 && e.entry.room.createdBy !== state.me.id) {
    guard(roomTitle(e.entry.room).then((title) => toast(`You were added to ${title}.`, "info")));
  }
  if (e.type === "inbox.room_removed" && state.room && state.room.id === e.roomId) {
    toast(`You are no longer in ${state.titles.get(e.roomId) || "this room"}.`, "info");
    guard(go(null, null, { replace: true }));
  }
  renderRooms();
  if (state.room && e.roomId === state.room.id) renderConversations();
}

async function roomTitle(room) {
  if (state.titles.has(room.id)) return state.titles.get(room.id);
  let title = room.kind !== "direct" && room.name ? room.name : null;
  if (!title) {
    const ps = await client.listParticipants(room.id);
    for (const p of ps) if (p.displayName) state.names.set(p.accountId, p.displayName);
    const others = ps.filter((p) => p.accountId !== state.me.id).map(nameOf);
    title = room.kind === "direct" ? (others.join(", ") || "Just you") : (room.name || others.join(", ") || "Untitled room");
  }
  state.titles.set(room.id, title);
  return title;
}

function renderRooms() {
  const ul = $("rooms");
  const entries = state.inbox ? state.inbox.entries : [];
  ul.replaceChildren(...entries.map((entry) => {
    const room = entry.room;
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.type = "button";
    b.className = "room-item" + (state.room && state.room.id === room.id ? " active" : "") + (entry.unreadCount > 0 ? " unread" : "");
    b.dataset.roomId = room.id;
    if (state.room && state.room.id === room.id) b.setAttribute("aria-current", "page");
    const title = state.titles.get(room.id);
    if (!title) guard(roomTitle(room).then(renderRooms));
    const last = entry.lastMessage;
    const preview = !last ? (room.kind === "direct" ? "No messages yet" : "No messages yet")
      : last.deletedAt ? `${nameOf(last.senderId)}: message deleted`
      : `${last.senderId === state.me.id ? "You" : nameOf(last.senderId)}: ${previewText(last)}`;
    const text = document.createElement("span");
    text.className = "room-text";
    text.append(span("room-label", title || "…"), span("room-preview muted", preview));
    const side = document.createElement("span");
    side.className = "room-side";
    side.append(span("room-time muted", shortTime(entry.lastActivityAt)));
    if (entry.unreadCount > 0) {
      const badge = span("badge", entry.unreadCount > 99 ? "99+" : String(entry.unreadCount));
      badge.setAttribute("aria-label", `${entry.unreadCount} unread`);
      side.append(badge);
    }
    const avatar = span("avatar " + (room.kind === "direct" ? "round" : "square"), room.kind === "direct" ? initials(title || "?") : "#");
    avatar.setAttribute("aria-hidden", "true");
    b.append(avatar, text, side);
    b.onclick = () => guard(go(room.id, null));
    li.append(b);
    return li;
  }));
  if (!entries.length) {
    const li = document.createElement("li");
    li.className = "muted small-text pad";
    li.textContent = "No rooms yet. Create one, or message the Assistant.";
    ul.append(li);
  }
}

function previewText(last) {
  const text = last.format === "markdown" ? markdownToText(last.text) : last.text.replace(/\s+/g, " ").trim();
  if (text) return text + (last.isTruncated ? "…" : "");
  return last.attachmentCount ? "sent an attachment" : last.status === "streaming" ? "writing…" : "";
}

// ---------- a room ----------
async function openRoom(roomId, conversationId, turn) {
  const entry = state.inbox?.entry(roomId);
  const room = entry ? entry.room : await client.getRoom(roomId).catch((e) => {
    toast(`That room cannot be opened: ${describe(e)}`);
    return null;
  });
  if (turn !== state.navigation) return;
  if (!room) {
    await go(null, null, { replace: true });
    return;
  }
  if (!state.room || state.room.id !== room.id) {
    if (state.roomSub) { guard(state.roomSub.close()); state.roomSub = null; }
    state.room = room;
    assetsUi.onRoomChanged();
    state.conversations = [];
    state.participants = [];
    document.body.classList.add("in-room");
    $("empty").hidden = true;
    $("room").hidden = false;
    $("add-person").hidden = room.kind === "direct";
    renderRooms();
    state.roomReady = setUpRoom(room);
  }
  // A second navigation to the room while it is being set up (a click on it just after a reload restored it from the
  // address) waits for that setup instead of finding no conversations yet.
  await state.roomReady;
  if (turn !== state.navigation || state.room?.id !== room.id) return;
  const conversation = state.conversations.find((c) => c.id === conversationId) ?? state.conversations[state.conversations.length - 1];
  if (conversation.id !== conversationId) history.replaceState(null, "", urlOf(room.id, conversation.id));
  if (!state.conversation || state.conversation.id !== conversation.id || !state.view) {
    await openConversationView(conversation, turn);
  }
}

/**
 * Loads what the room view needs: its title, its subscription, its people and its conversations. It finishes even when
 * another navigation starts meanwhile, so that every navigation to this room can wait for it; if the page moved on to
 * another room, what it loaded is dropped (and the subscription closed).
 */
async function setUpRoom(room) {
  const current = () => state.room === room;
  try {
    const title = await roomTitle(room);
    if (!current()) return;
    $("room-name").textContent = title;
    const sub = await client.subscribeRoom(room.id, { onEvent: onRoomEvent });
    if (!current()) { guard(sub.close()); return; }
    state.roomSub = sub;
    const participants = await client.listParticipants(room.id);
    if (!current()) return;
    state.participants = participants;
    for (const p of participants) if (p.displayName) state.names.set(p.accountId, p.displayName);
    renderPeople();
    let conversations = await client.listConversations(room.id);
    if (!conversations.length) conversations = [await client.createConversation(room.id, "General")];
    if (!current()) return;
    for (const c of state.conversations) if (!conversations.some((x) => x.id === c.id)) conversations.push(c);
    state.conversations = conversations;
  } catch (e) {
    // The next navigation to this room sets it up again.
    if (current()) state.room = null;
    throw e;
  }
}

function closeRoom() {
  if (state.view) { const old = state.view; state.view = null; guard(old.close()); }
  if (state.roomSub) { guard(state.roomSub.close()); state.roomSub = null; }
  state.room = null;
  state.conversation = null;
  document.body.classList.remove("in-room");
  $("room").hidden = true;
  $("empty").hidden = false;
  renderRooms();
}

function onRoomEvent(e) {
  if (e.type === "conversation.created") {
    if (!state.conversations.some((c) => c.id === e.conversation.id)) {
      state.conversations.push(e.conversation);
      renderConversations();
    }
  } else if (e.type === "room.participant_added" || e.type === "room.participant_updated") {
    state.participants = state.participants.filter((p) => p.accountId !== e.participant.accountId).concat(e.participant);
    if (e.participant.displayName) state.names.set(e.participant.accountId, e.participant.displayName);
    renderPeople();
  } else if (e.type === "room.participant_removed") {
    state.participants = state.participants.filter((p) => p.accountId !== e.accountId);
    renderPeople();
  }
}

function renderPeople() {
  $("room-people").textContent = state.participants.map((p) => nameOf(p) + (p.kind === "agent" ? " (agent)" : "")).join(" · ");
}

function myRole() {
  return state.participants.find((p) => p.accountId === state.me.id)?.role ?? "member";
}

function renderConversations() {
  const entry = state.room ? state.inbox?.entry(state.room.id) : null;
  $("conversations").replaceChildren(...state.conversations.map((c) => {
    const b = document.createElement("button");
    const active = state.conversation && state.conversation.id === c.id;
    b.type = "button";
    b.className = "conv-tab" + (active ? " active" : "");
    b.setAttribute("role", "tab");
    b.setAttribute("aria-selected", active ? "true" : "false");
    b.append(span("conv-title", c.title || "Conversation"));
    const unread = entry?.conversations.find((x) => x.conversationId === c.id)?.unreadCount ?? 0;
    if (unread > 0 && !active) {
      const badge = span("badge", String(unread));
      badge.setAttribute("aria-label", `${unread} unread`);
      b.append(badge);
    }
    b.onclick = () => guard(go(state.room.id, c.id));
    return b;
  }));
}

// ---------- a conversation: the SDK's view keeps it current ----------
async function openConversationView(conversation, turn) {
  if (state.view) { const old = state.view; state.view = null; guard(old.close()); }
  state.conversation = conversation;
  state.elements.clear();
  setReplyTo(null);
  $("message-list").replaceChildren();
  $("typing").textContent = "";
  renderConversations();
  const view = await openConversation(client, conversation.id, { historyLimit: 30 });
  if (state.conversation !== conversation || turn !== state.navigation) { guard(view.close()); return; }
  state.view = view;
  $("room").dataset.conversationId = conversation.id;
  for (const item of view.items) render(item);
  view.on("message", (item) => {
    const isNew = !state.elements.has(item.key);
    render(item);
    if (isNew && item.senderId !== state.me.id && item.status !== "deleted") announce(item);
    stickToEnd(item.senderId === state.me.id && isNew);
    if (!document.hidden) view.markRead();
    renderReadMarkers();
  });
  view.on("older", (items) => items.forEach(render));
  view.on("removed", (item) => { state.elements.get(item.key)?.remove(); state.elements.delete(item.key); });
  view.on("typing", renderTyping);
  view.on("read", renderReadMarkers);
  view.on("flowFailed", (e) => toast(`${nameOf(e.agentId || e.actorId)} could not answer: ${e.errorMessage || "the agent failed."}${e.errorCode ? ` (${e.errorCode})` : ""}`));
  view.on("ended", (e) => e && toast(describe(e)));
  renderHistoryTop();
  renderReadMarkers();
  scrollToEnd();
  if (!document.hidden) view.markRead();
  renderConversations();
  $("text").focus();
}

/** New messages from others are read out by screen readers (a polite live region). */
function announce(item) {
  const text = item.message?.format === "markdown" ? markdownToText(item.text) : item.text;
  if (item.status === "streaming") {
    $("announcer").textContent = `${nameOf(item.senderId)} is replying.`;
  } else if (text) {
    $("announcer").textContent = `${nameOf(item.senderId)}: ${text.slice(0, 300)}`;
  }
}

const STATUS_LABELS = { streaming: "writing…", failed: "failed", stopped: "stopped", unsent: "not sent" };

function render(item) {
  let el = state.elements.get(item.key);
  if (!el) {
    el = messageElement();
    state.elements.set(item.key, el);
  }
  if (state.editing && state.editing.item === item) return; // the editor stays until saved or cancelled
  const m = item.message;
  const mine = item.senderId === state.me.id;
  const agent = !!m && m.senderKind === "agent";
  el.dataset.status = item.status === "unsent" ? "failed" : item.status;
  if (m) el.dataset.messageId = m.id; else el.dataset.clientMessageId = item.clientMessageId;
  el.classList.toggle("mine", mine);
  el.classList.toggle("agent", agent);
  el.classList.toggle("deleted", item.status === "deleted");
  el.classList.toggle("pending", item.status === "pending");
  el.classList.toggle("failed", item.status === "unsent");
  el.classList.toggle("errored", item.status === "failed");
  el.querySelector(".avatar").textContent = initials(nameOf(item.senderId));
  el.querySelector(".who").textContent = nameOf(item.senderId);
  const time = el.querySelector("time");
  time.textContent = m ? new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  if (m) time.dateTime = m.createdAt;
  el.querySelector(".edited").textContent = m && m.editedAt && item.status !== "deleted" ? "(edited)" : "";

  const status = el.querySelector(".status");
  status.className = "status " + (item.status === "failed" || item.status === "unsent" ? "error-label" : item.status === "streaming" ? "writing" : "");
  status.textContent = item.status === "pending" ? (client.state === "open" ? "sending…" : "waiting for connection…") : STATUS_LABELS[item.status] ?? "";
  if (item.status === "unsent" && item.error) status.title = describe(item.error);

  renderQuote(el.querySelector(".quote"), m);
  const body = el.querySelector(".body");
  body.replaceChildren();
  if (item.status === "deleted") {
    body.append(span("tombstone", "This message was deleted."));
  } else if ((m ? m.format : "markdown") === "markdown") {
    body.append(renderMarkdown(item.text));
  } else {
    body.append(span("plain", item.text));
  }
  assetsUi.renderAttachments(el, item.status === "deleted" ? null : m, item.text); // previews and file cards (assets.js)
  if (item.status === "streaming") {
    const caret = span("caret", "");
    caret.setAttribute("aria-hidden", "true");
    (body.lastElementChild ?? body).append(caret);
  }
  renderActions(el.querySelector(".msg-actions"), item, mine, agent);
  place(el, item.sequence);
}

function renderQuote(quote, m) {
  quote.replaceChildren();
  quote.hidden = !m || !m.replyToId;
  if (quote.hidden) return;
  const target = state.view?.find(m.replyToId);
  const who = target ? nameOf(target.senderId) : "an earlier message";
  const text = !target ? "" : target.status === "deleted" ? "This message was deleted." : (target.message?.format === "markdown" ? markdownToText(target.text) : target.text);
  const b = document.createElement("button");
  b.type = "button";
  b.className = "quote-button";
  const arrow = span("quote-arrow", "↪ ");
  arrow.setAttribute("aria-hidden", "true");
  b.append(span("sr-only", "In reply to "), arrow, span("quote-who", who), span("quote-text", text.length > 120 ? text.slice(0, 120) + "…" : text));
  b.onclick = () => {
    const li = target && state.elements.get(target.key);
    if (li) { li.scrollIntoView({ block: "center" }); li.querySelector(".bubble").focus(); }
  };
  quote.append(b);
}

function renderActions(box, item, mine, agent) {
  box.replaceChildren();
  const m = item.message;
  const who = nameOf(item.senderId);
  const add = (label, name, action, className = "") => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "action small " + className;
    b.dataset.action = name;
    b.textContent = label;
    b.setAttribute("aria-label", `${label} ${who}'s message`);
    b.onclick = () => guard(Promise.resolve().then(action));
    box.append(b);
  };
  if (item.status === "unsent") {
    add("Retry", "retry", () => state.view.retry(item), "primary");
    return;
  }
  if (!m || item.status === "deleted") return;
  if (agent && item.status === "streaming") add("Stop", "stop", () => state.view.stop(item), "danger");
  if (item.status !== "streaming") add("Reply", "reply", () => setReplyTo(item));
  if (item.text) add("Copy", "copy", () => copyText(item.message?.format === "markdown" ? markdownToText(item.text) : item.text, null).then((ok) => toast(ok ? "Copied to the clipboard." : "Could not copy.", ok ? "info" : "error")));
  if (agent && m.replyToId && item.status !== "streaming") add("Regenerate", "regenerate", () => state.view.regenerate(item));
  if (mine && item.status !== "streaming" && m.senderKind === "user") add("Edit", "edit", () => startEdit(item));
  const admin = myRole() === "admin" || myRole() === "owner";
  if ((mine || admin) && item.status !== "streaming") add("Delete", "delete", () => confirmDelete(item), "danger");
}

function messageElement() {
  const li = document.createElement("li");
  li.className = "msg";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  bubble.tabIndex = -1;
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.append(span("who", ""), document.createElement("time"), span("edited", ""), span("status", ""));
  const quote = document.createElement("div");
  quote.className = "quote";
  const body = document.createElement("div");
  body.className = "body";
  const seen = document.createElement("div");
  seen.className = "seen muted";
  const actions = document.createElement("div");
  actions.className = "msg-actions";
  actions.setAttribute("role", "group");
  actions.setAttribute("aria-label", "Message actions");
  bubble.append(meta, quote, body, seen, actions);
  const avatar = document.createElement("div");
  avatar.className = "avatar round";
  avatar.setAttribute("aria-hidden", "true");
  li.append(avatar, bubble);
  return li;
}

// Stored messages by sequence; pending posts (no sequence yet) at the end, in the order sent.
function place(el, sequence) {
  const key = sequence === null ? "" : String(sequence);
  if (el.isConnected && el.dataset.sequence === key) return;
  el.dataset.sequence = key;
  const list = $("message-list");
  const after = sequence === null ? null
    : [...list.children].find((li) => li !== el && (li.dataset.sequence === "" || Number(li.dataset.sequence) > sequence));
  list.insertBefore(el, after || null);
}

function renderTyping(ids) {
  const names = (ids || []).map(nameOf);
  $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
}

function renderReadMarkers() {
  if (!state.view) return;
  document.querySelectorAll(".msg .seen").forEach((s) => (s.textContent = ""));
  const stored = state.view.items.filter((i) => i.sequence !== null);
  const bySeq = new Map();
  for (const [id, seq] of state.view.readMarkers) {
    if (id === state.me.id) continue;
    const target = stored.filter((i) => i.sequence <= seq && i.senderId !== id).at(-1);
    if (!target) continue;
    if (!bySeq.has(target)) bySeq.set(target, []);
    bySeq.get(target).push(nameOf(id));
  }
  for (const [item, names] of bySeq) {
    const el = state.elements.get(item.key);
    if (el) el.querySelector(".seen").textContent = "Seen by " + names.join(", ");
  }
}

// ---------- message actions ----------
function setReplyTo(item) {
  state.replyTo = item;
  $("reply-to").hidden = !item;
  if (item) {
    const text = item.message?.format === "markdown" ? markdownToText(item.text) : item.text;
    $("reply-to").querySelector(".reply-label").textContent = `Replying to ${nameOf(item.senderId)}: ${text.length > 80 ? text.slice(0, 80) + "…" : text}`;
    $("text").focus();
  }
}

function startEdit(item) {
  const el = state.elements.get(item.key);
  if (!el || state.editing) return;
  const body = el.querySelector(".body");
  const editor = document.createElement("textarea");
  editor.className = "edit-box";
  editor.value = item.text;
  editor.setAttribute("aria-label", "Edit your message");
  const save = document.createElement("button");
  save.type = "button";
  save.className = "primary small";
  save.textContent = "Save";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "small";
  cancel.textContent = "Cancel";
  const row = document.createElement("div");
  row.className = "edit-actions";
  row.append(cancel, save);
  body.replaceChildren(editor, row);
  state.editing = { item };
  const finish = () => { state.editing = null; render(item); };
  cancel.onclick = finish;
  save.onclick = () => {
    const text = editor.value.trim();
    if (!text || text === item.text) { finish(); return; }
    save.disabled = true;
    state.view.edit(item, { text, format: "markdown" }).then(finish, (e) => { save.disabled = false; toast(describe(e)); });
  };
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Escape") { e.preventDefault(); finish(); el.querySelector(".bubble").focus(); }
    else if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); save.click(); }
  });
  autoGrow(editor);
  editor.addEventListener("input", () => autoGrow(editor));
  editor.focus();
}

async function confirmDelete(item) {
  const ok = await ask({ title: "Delete this message?", text: "Everyone in the room will see that a message was deleted.", okLabel: "Delete" });
  if (ok !== null) await state.view.delete(item);
}

// ---------- older history ----------
async function loadOlder() {
  const view = state.view;
  if (!view || !view.hasMore || state.loadingOlder) return;
  state.loadingOlder = true;
  renderHistoryTop();
  const box = $("messages");
  const before = box.scrollHeight;
  try {
    const added = await view.loadOlder(30);
    if (view !== state.view) return;
    for (const item of added) render(item);
    box.scrollTop += box.scrollHeight - before;
    renderReadMarkers();
  } finally {
    state.loadingOlder = false;
    renderHistoryTop();
  }
}
function renderHistoryTop() {
  const view = state.view;
  $("history-top").textContent = state.loadingOlder ? "Loading older messages…" : view && view.hasMore ? "Scroll up for older messages" : "Beginning of the conversation";
}

// ---------- composer ----------
function autoGrow(area) {
  area.style.height = "auto";
  area.style.height = Math.min(area.scrollHeight + 2, Math.round(window.innerHeight * 0.4)) + "px";
}

function renderCounter() {
  const n = $("text").value.length;
  const counter = $("counter");
  counter.textContent = n >= COUNTER_FROM ? `${n.toLocaleString("en")} / ${MAX_TEXT.toLocaleString("en")}${n > MAX_TEXT ? " — too long to send" : ""}` : "";
  counter.classList.toggle("over", n > MAX_TEXT);
  $("send").disabled = n > MAX_TEXT;
}

function send() {
  const text = $("text").value.trim();
  const withFiles = assetsUi.hasPending();
  if ((!text && !withFiles) || !state.view) return;
  if (text.length > MAX_TEXT) { toast(`A message can have at most ${MAX_TEXT.toLocaleString("en")} characters.`); return; }
  const post = { text, format: "markdown" };
  if (state.replyTo?.message) post.replyToId = state.replyTo.message.id;
  $("text").value = "";
  autoGrow($("text"));
  renderCounter();
  setReplyTo(null);
  // Shown at once; waits in the SDK's offline queue if the connection is down, and is stored exactly once.
  if (!withFiles) {
    state.view.send(post).catch(() => { /* the item shows "not sent" with a Retry button */ });
  } else {
    guard((async () => {
      post.attachments = await assetsUi.takeAttachments();
      if (text || post.attachments.length) await state.view.send(post).catch(() => {});
    })());
  }
  scrollToEnd();
}

// ---------- dialogs (in the page, never prompt()) ----------
function ask({ title, text = "", label = null, value = "", okLabel = "OK" }) {
  const dlg = $("ask-dialog");
  $("ask-title").textContent = title;
  $("ask-text").textContent = text;
  $("ask-text").hidden = !text;
  $("ask-input-label").textContent = label ?? "";
  $("ask-input-label").hidden = $("ask-input").hidden = label === null;
  $("ask-input").value = value;
  $("ask-ok").textContent = okLabel;
  dlg.returnValue = "";
  dlg.showModal();
  if (label !== null) $("ask-input").select();
  return new Promise((resolve) => dlg.addEventListener("close", () => resolve(dlg.returnValue === "ok" ? $("ask-input").value.trim() : null), { once: true }));
}

async function pickPeople({ title, hint, withName, single, exclude = [] }) {
  $("dialog-title").textContent = title;
  $("dialog-hint").textContent = hint;
  $("dialog-name").hidden = $("dialog-name-label").hidden = !withName;
  $("dialog-name").value = "";
  $("dialog-search").value = "";
  const chosen = new Map();
  const load = async (query) => {
    const res = await fetch("/demo/people" + (query ? "?q=" + encodeURIComponent(query) : ""));
    if (!res.ok) throw { message: "Could not load people (" + res.status + ")." };
    const people = (await res.json()).filter((p) => p.id !== state.me.id && !exclude.includes(p.id));
    for (const p of people) state.names.set(p.id, p.displayName);
    $("dialog-people").replaceChildren(...people.map((p) => {
      const li = document.createElement("li");
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = single ? "radio" : "checkbox";
      input.name = "person";
      input.value = p.id;
      input.checked = chosen.has(p.id);
      input.onchange = () => {
        if (single) chosen.clear();
        if (input.checked) chosen.set(p.id, p); else chosen.delete(p.id);
      };
      const avatar = span("avatar round", initials(p.displayName));
      avatar.setAttribute("aria-hidden", "true");
      label.append(input, " ", avatar, " ", span("pname", p.displayName), " ", span("muted", p.kind === "agent" ? "agent" : "@" + p.id));
      li.append(label);
      return li;
    }));
    if (!people.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = query ? `Nobody matches "${query}".` : "Nobody else has signed in yet. Open another browser and sign in with another name.";
      $("dialog-people").append(li);
    }
  };
  await load("");
  let timer = 0;
  const search = () => { clearTimeout(timer); timer = setTimeout(() => guard(load($("dialog-search").value.trim())), 150); };
  $("dialog-search").addEventListener("input", search);
  const dlg = $("dialog");
  dlg.returnValue = "";
  dlg.showModal();
  const value = await new Promise((r) => dlg.addEventListener("close", () => r(dlg.returnValue), { once: true }));
  $("dialog-search").removeEventListener("input", search);
  if (value !== "ok") return null;
  return {
    name: $("dialog-name").value.trim(),
    chosen: [...chosen.values()].map((p) => ({ accountId: p.id, kind: p.kind, displayName: p.displayName, autoRespond: p.kind === "agent" })),
  };
}

async function newRoom() {
  const r = await pickPeople({ title: "New room", hint: "Add people or the Assistant (it answers every message).", withName: true });
  if (!r) return;
  const room = await client.createRoom({ name: r.name || "New room", participants: [{ accountId: state.me.id, role: "owner", displayName: state.me.displayName }, ...r.chosen] });
  state.titles.set(room.id, room.name);
  await go(room.id, null);
}

async function newDirect() {
  const r = await pickPeople({ title: "Direct message", hint: "The same people always share the same direct room.", single: true });
  if (!r || !r.chosen.length) return;
  const room = await client.directRoom([{ accountId: state.me.id, displayName: state.me.displayName }, r.chosen[0]]);
  state.titles.set(room.id, r.chosen[0].displayName);
  await go(room.id, null);
}

async function addPeople() {
  const r = await pickPeople({ title: "Add people", hint: "They see every conversation of this room.", exclude: state.participants.map((p) => p.accountId) });
  if (!r) return;
  for (const p of r.chosen) await client.addParticipant(state.room.id, p);
  state.participants = await client.listParticipants(state.room.id);
  renderPeople();
}

async function newConversation() {
  const title = await ask({ title: "New conversation", label: "Title", value: "Conversation " + (state.conversations.length + 1), okLabel: "Create" });
  if (title === null) return;
  const c = await client.createConversation(state.room.id, title || undefined);
  if (!state.conversations.some((x) => x.id === c.id)) state.conversations.push(c);
  await go(state.room.id, c.id);
}

// ---------- helpers ----------
function span(className, text) {
  const s = document.createElement("span");
  s.className = className;
  s.textContent = text;
  return s;
}
function nameOf(x) {
  if (x && typeof x === "object") return x.displayName || nameOf(x.accountId);
  if (state.me && x === state.me.id) return state.me.displayName;
  const p = state.participants.find((p) => p.accountId === x);
  return (p && p.displayName) || state.names.get(x) || x;
}
function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("") || "?";
}
function shortTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return d.toDateString() === new Date().toDateString() ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : d.toLocaleDateString([], { month: "short", day: "numeric" });
}
function nearEnd() { const b = $("messages"); return b.scrollHeight - b.scrollTop - b.clientHeight < 120; }
function scrollToEnd() { const b = $("messages"); b.scrollTop = b.scrollHeight; }
function stickToEnd(force) { if (force || nearEnd()) scrollToEnd(); }

// ---------- wiring ----------
// Files: attach, previews and cards, the room's Files panel (assets.js).
const assetsUi = createAssetsUi({ client, state, $, showError: (e) => toast(describe(e)), guard });
$("composer").addEventListener("submit", (e) => { e.preventDefault(); send(); });
$("text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
  else if (e.key === "Escape" && state.replyTo) setReplyTo(null);
  else state.view?.notifyTyping();
});
$("text").addEventListener("input", () => { autoGrow($("text")); renderCounter(); });
$("reply-cancel").onclick = () => { setReplyTo(null); $("text").focus(); };
$("messages").addEventListener("scroll", () => { if ($("messages").scrollTop < 60) guard(loadOlder()); });
$("new-room").onclick = () => guard(newRoom());
$("new-direct").onclick = () => guard(newDirect());
$("add-person").onclick = () => guard(addPeople());
$("new-conversation").onclick = () => guard(newConversation());
$("back").onclick = () => guard(go(null, null));
document.addEventListener("visibilitychange", () => { if (!document.hidden) state.view?.markRead(); });
$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("/demo/signin", { method: "POST", body: new URLSearchParams(new FormData(e.target)), redirect: "manual" });
  if (res.type === "opaqueredirect" || res.ok) location.reload();
  else toast((await res.json().catch(() => ({}))).detail || "Sign-in failed.");
});
window.addEventListener("unhandledrejection", (e) => toast(describe(e.reason)));

start().catch((e) => toast(describe(e)));
