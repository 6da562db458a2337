// Conversations sample chat: the page's UI on top of the TypeScript SDK (served from /sdk, built from clients/typescript).
// The SDK does the socket work: commands, reconnect with backoff, resuming subscriptions, the offline post queue, and
// streamed text; this file only renders.
import { ConversationsClient, openConversation } from "./sdk/index.js";
import { createAssetsUi } from "./assets.js";

const $ = (id) => document.getElementById(id);
const state = {
  me: null, agent: null,
  rooms: [], roomNames: new Map(),
  room: null, roomSub: null, participants: [], conversations: [], conversation: null,
  view: null, elements: new Map(),  // view item key → <li>
  loadingOlder: false,
};

const client = new ConversationsClient({ url: "/conversations" });
client.on("state", (s) => {
  const text = { open: "online", connecting: "connecting…", reconnecting: "reconnecting…", closed: "offline", idle: "offline" }[s];
  $("conn-state").textContent = text;
  $("conn-state").classList.toggle("bad", s !== "open" && s !== "connecting");
  document.body.dataset.connection = text;
  if (state.view) for (const item of state.view.items) if (item.status === "pending") render(item);
});
client.on("reconnected", () => guard(loadRooms()));
client.on("serverError", (e) => showError(e));

function showError(e) {
  const text = typeof e === "string" ? e : (e && (e.message || e.detail)) || "Something went wrong.";
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => (t.hidden = true), 6000);
}
const guard = (p) => p.catch(showError);

// ---------- start ----------
async function start() {
  const res = await fetch("/demo/me");
  if (res.status === 401) { $("signin").hidden = false; return; }
  if (!res.ok) { showError("Could not load your account (" + res.status + ")."); return; }
  const me = await res.json();
  state.me = { id: me.id, displayName: me.displayName };
  state.agent = me.agent;
  $("me-name").textContent = me.displayName;
  $("me-avatar").textContent = initials(me.displayName);
  $("app").hidden = false;
  await client.connect({ retry: true });
  await loadRooms();
  setInterval(() => client.state === "open" && guard(loadRooms()), 5000);
}

// ---------- rooms ----------
async function loadRooms() {
  const rooms = await client.listRooms();
  for (const r of rooms) {
    if (!state.roomNames.has(r.id)) state.roomNames.set(r.id, await roomTitle(r));
  }
  state.rooms = rooms;
  renderRooms();
}

async function roomTitle(room) {
  if (room.kind !== "direct" && room.name) return room.name;
  const ps = await client.listParticipants(room.id);
  const others = ps.filter((p) => p.accountId !== state.me.id).map(nameOf);
  return room.kind === "direct" ? (others.join(", ") || "Just you") : (room.name || others.join(", ") || "Untitled room");
}

function renderRooms() {
  const ul = $("rooms");
  ul.replaceChildren(...state.rooms.map((r) => {
    const li = document.createElement("li");
    const b = document.createElement("button");
    b.className = "room-item" + (state.room && state.room.id === r.id ? " active" : "");
    b.dataset.roomId = r.id;
    const title = state.roomNames.get(r.id) || "…";
    b.append(span("avatar " + (r.kind === "direct" ? "round" : "square"), r.kind === "direct" ? initials(title) : "#"),
      span("room-label", title), span("kind muted", r.kind === "direct" ? "direct" : ""));
    b.onclick = () => guard(openRoom(r));
    li.append(b);
    return li;
  }));
  if (!state.rooms.length) {
    const li = document.createElement("li");
    li.className = "muted small-text pad";
    li.textContent = "No rooms yet. Create one, or message the Assistant.";
    ul.append(li);
  }
}

async function openRoom(room) {
  if (state.roomSub && state.room && state.room.id !== room.id) { guard(state.roomSub.close()); state.roomSub = null; }
  state.room = room;
  assetsUi.onRoomChanged();
  document.body.classList.add("in-room");
  $("empty").hidden = true;
  $("room").hidden = false;
  $("room-name").textContent = state.roomNames.get(room.id) || room.name || "Room";
  $("add-person").hidden = room.kind === "direct";
  renderRooms();
  if (!state.roomSub) {
    state.roomSub = await client.subscribeRoom(room.id, { onEvent: onRoomEvent });
  }
  state.participants = await client.listParticipants(room.id);
  renderPeople();
  state.conversations = await client.listConversations(room.id);
  if (!state.conversations.length) {
    state.conversations = [await client.createConversation(room.id, "General")];
  }
  await openConversation_(state.conversations[state.conversations.length - 1]);
}

function onRoomEvent(e) {
  if (e.type === "conversation.created") {
    if (!state.conversations.some((c) => c.id === e.conversation.id)) {
      state.conversations.push(e.conversation);
      renderConversations();
    }
  } else if (e.type === "room.participant_added" || e.type === "room.participant_updated") {
    state.participants = state.participants.filter((p) => p.accountId !== e.participant.accountId).concat(e.participant);
    renderPeople();
  } else if (e.type === "room.participant_removed") {
    state.participants = state.participants.filter((p) => p.accountId !== e.accountId);
    renderPeople();
  }
}

function renderPeople() {
  $("room-people").textContent = state.participants.map((p) => nameOf(p) + (p.kind === "agent" ? " (agent)" : "")).join(" · ");
}

function renderConversations() {
  $("conversations").replaceChildren(...state.conversations.map((c) => {
    const b = document.createElement("button");
    b.className = "conv-tab" + (state.conversation && state.conversation.id === c.id ? " active" : "");
    b.setAttribute("role", "tab");
    b.textContent = c.title || "Conversation";
    b.onclick = () => guard(openConversation_(c));
    return b;
  }));
}

// ---------- a conversation: the SDK's view keeps it current ----------
async function openConversation_(conv) {
  if (state.view) { const old = state.view; state.view = null; guard(old.close()); }
  state.conversation = conv;
  state.elements.clear();
  $("message-list").replaceChildren();
  $("typing").textContent = "";
  renderConversations();
  const view = await openConversation(client, conv.id, { historyLimit: 30 });
  if (state.conversation !== conv) { guard(view.close()); return; }
  state.view = view;
  $("room").dataset.conversationId = conv.id;
  for (const item of view.items) render(item);
  view.on("message", (item) => { render(item); stickToEnd(item.senderId === state.me.id); view.markRead(document.hidden ? 0 : undefined); renderReadMarkers(); });
  view.on("removed", (item) => { state.elements.get(item.key)?.remove(); state.elements.delete(item.key); });
  view.on("typing", renderTyping);
  view.on("read", renderReadMarkers);
  view.on("flowFailed", (e) => showError(`${nameOf(e.agentId || e.actorId)} could not answer: ${e.errorMessage || e.errorCode || "failed"}`));
  view.on("ended", (e) => e && showError(e));
  renderHistoryTop();
  renderReadMarkers();
  scrollToEnd();
  if (!document.hidden) view.markRead();
  $("text").focus();
}

function render(item) {
  let el = state.elements.get(item.key);
  if (!el) {
    el = messageElement();
    state.elements.set(item.key, el);
  }
  const m = item.message;
  el.dataset.status = item.status === "unsent" ? "failed" : item.status === "pending" ? "pending" : item.status;
  if (m) el.dataset.messageId = m.id; else el.dataset.clientMessageId = item.clientMessageId;
  el.classList.toggle("mine", item.senderId === state.me.id);
  el.classList.toggle("agent", !!m && m.senderKind === "agent");
  el.classList.toggle("deleted", item.status === "deleted");
  el.classList.toggle("pending", item.status === "pending");
  el.classList.toggle("failed", item.status === "unsent");
  el.querySelector(".avatar").textContent = initials(nameOf(item.senderId));
  el.querySelector(".who").textContent = nameOf(item.senderId);
  el.querySelector("time").textContent = m ? new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : "";
  el.querySelector(".status").textContent =
    item.status === "pending" ? (client.state === "open" ? "sending…" : "waiting for connection…")
    : item.status === "unsent" ? "not sent" : item.status === "streaming" ? "typing…" : item.status === "failed" ? "failed" : "";
  const body = el.querySelector(".body");
  body.textContent = item.status === "deleted" ? "This message was deleted." : item.text;
  if (item.status === "streaming") body.append(span("caret", ""));
  assetsUi.renderAttachments(el, item.status === "deleted" ? null : m, item.text);
  place(el, item.sequence);
}

function messageElement() {
  const li = document.createElement("li");
  li.className = "msg";
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  const meta = document.createElement("div");
  meta.className = "meta";
  meta.append(span("who", ""), document.createElement("time"), span("status", ""));
  const body = document.createElement("div");
  body.className = "body";
  const seen = document.createElement("div");
  seen.className = "seen muted";
  bubble.append(meta, body, seen);
  const avatar = document.createElement("div");
  avatar.className = "avatar round";
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

// ---------- dialogs ----------
async function pickPeople({ title, hint, withName, single }) {
  const res = await fetch("/demo/people");
  if (!res.ok) throw { message: "Could not load people (" + res.status + ")." };
  const people = (await res.json()).filter((p) => p.id !== state.me.id && !state.participants.some((x) => withName === undefined && x.accountId === p.id));
  $("dialog-title").textContent = title;
  $("dialog-hint").textContent = hint;
  $("dialog-name").hidden = $("dialog-name-label").hidden = !withName;
  $("dialog-name").value = "";
  $("dialog-people").replaceChildren(...people.map((p) => {
    const li = document.createElement("li");
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = single ? "radio" : "checkbox";
    input.name = "person";
    input.value = p.id;
    input.dataset.kind = p.kind;
    input.dataset.name = p.displayName;
    label.append(input, " ", span("avatar round", initials(p.displayName)), " ", span("pname", p.displayName), " ", span("muted", p.kind === "agent" ? "agent" : "@" + p.id));
    li.append(label);
    return li;
  }));
  if (!people.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = "Nobody else has signed in yet. Open another browser and sign in with another name.";
    $("dialog-people").append(li);
  }
  const dlg = $("dialog");
  dlg.returnValue = "";
  dlg.showModal();
  const value = await new Promise((r) => dlg.addEventListener("close", () => r(dlg.returnValue), { once: true }));
  if (value !== "ok") return null;
  const chosen = [...dlg.querySelectorAll("input[name=person]:checked")].map((i) => ({ accountId: i.value, kind: i.dataset.kind, displayName: i.dataset.name, autoRespond: i.dataset.kind === "agent" }));
  return { name: $("dialog-name").value.trim(), chosen };
}

async function newRoom() {
  state.participants = [];
  const r = await pickPeople({ title: "New room", hint: "Add people or the Assistant (it answers every message).", withName: true });
  if (!r) return;
  const room = await client.createRoom({ name: r.name || "New room", participants: [{ accountId: state.me.id, role: "owner", displayName: state.me.displayName }, ...r.chosen] });
  state.roomNames.set(room.id, room.name);
  await loadRooms();
  await openRoom(room);
}

async function newDirect() {
  const saved = state.participants;
  state.participants = [];
  const r = await pickPeople({ title: "Direct message", hint: "The same people always share the same direct room.", single: true });
  state.participants = saved;
  if (!r || !r.chosen.length) return;
  const room = await client.directRoom([{ accountId: state.me.id, displayName: state.me.displayName }, r.chosen[0]]);
  state.roomNames.set(room.id, r.chosen[0].displayName);
  await loadRooms();
  await openRoom(room);
}

async function addPeople() {
  const r = await pickPeople({ title: "Add people", hint: "They see every conversation of this room." });
  if (!r) return;
  for (const p of r.chosen) await client.addParticipant(state.room.id, p);
  state.participants = await client.listParticipants(state.room.id);
  renderPeople();
}

async function newConversation() {
  const title = prompt("Conversation title", "Conversation " + (state.conversations.length + 1));
  if (title === null) return;
  const c = await client.createConversation(state.room.id, title || undefined);
  if (!state.conversations.some((x) => x.id === c.id)) state.conversations.push(c);
  await openConversation_(c);
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
  if (state.agent && x === state.agent.id) return state.agent.displayName;
  const p = state.participants.find((p) => p.accountId === x);
  return (p && p.displayName) || x;
}
function initials(name) {
  return (name || "?").split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join("") || "?";
}
function nearEnd() { const b = $("messages"); return b.scrollHeight - b.scrollTop - b.clientHeight < 120; }
function scrollToEnd() { const b = $("messages"); b.scrollTop = b.scrollHeight; }
function stickToEnd(force) { if (force || nearEnd()) scrollToEnd(); }

// ---------- wiring ----------
// Files: attach, previews and cards, the room's Files panel (assets.js).
const assetsUi = createAssetsUi({ client, state, $, showError, guard });
$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  const withFiles = assetsUi.hasPending();
  if ((!text && !withFiles) || !state.view) return;
  $("text").value = "";
  // Shown at once; waits in the SDK's offline queue if the connection is down, and is stored exactly once.
  if (!withFiles) {
    state.view.send(text).catch(showError);
  } else {
    guard((async () => {
      const attachments = await assetsUi.takeAttachments();
      if (text || attachments.length) await state.view.send({ text, attachments });
    })());
  }
  scrollToEnd();
});
$("text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); } else state.view?.notifyTyping();
});
$("messages").addEventListener("scroll", () => { if ($("messages").scrollTop < 60) guard(loadOlder()); });
$("new-room").onclick = () => guard(newRoom());
$("new-direct").onclick = () => guard(newDirect());
$("add-person").onclick = () => guard(addPeople());
$("new-conversation").onclick = () => guard(newConversation());
$("back").onclick = () => document.body.classList.remove("in-room");
$("toast").onclick = () => ($("toast").hidden = true);
document.addEventListener("visibilitychange", () => { if (!document.hidden) state.view?.markRead(); });
$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("/demo/signin", { method: "POST", body: new URLSearchParams(new FormData(e.target)), redirect: "manual" });
  if (res.type === "opaqueredirect" || res.ok) location.reload();
  else showError((await res.json().catch(() => ({}))).detail || "Sign-in failed.");
});
window.addEventListener("unhandledrejection", (e) => showError(e.reason));

start().catch(showError);
