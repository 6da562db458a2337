// Conversations sample chat: plain JavaScript over the conversations.v1.json WebSocket protocol.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  me: null, agent: null, people: [],
  rooms: [], roomNames: new Map(),
  room: null, participants: [], conversations: [], conversation: null,
  lastSeq: 0, oldestSeq: null, hasMore: false, loadingOlder: false,
  messages: new Map(),          // message id → { message, el }
  pending: new Map(),           // clientMessageId → { conversationId, text, el }
  typing: new Map(),            // account id → timer
  readMarkers: new Map(),       // account id → sequence
  readSent: 0,
};

// ---------- socket with commands, events and reconnect ----------
const socket = {
  ws: null, nextId: 1, waiting: new Map(), open: false, attempts: 0,
  connect() {
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/conversations";
    const ws = new WebSocket(url, "conversations.v1.json");
    this.ws = ws;
    setConn("connecting…");
    ws.onmessage = (e) => e.data.split("\n").filter(Boolean).forEach((line) => this.receive(JSON.parse(line)));
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.open = false;
      for (const [, w] of this.waiting) w.reject({ code: "unavailable", message: "The connection was lost." });
      this.waiting.clear();
      const delay = Math.min(5000, 250 * 2 ** this.attempts++);
      setConn("reconnecting…", true);
      setTimeout(() => this.connect(), delay);
    };
  },
  receive(frame) {
    if (frame.type === "welcome") { this.open = true; this.attempts = 0; setConn("online"); onConnected(); return; }
    if (frame.type === "ack" || frame.type === "error") {
      const w = this.waiting.get(frame.id);
      if (!w) { if (frame.type === "error") showError(frame.message); return; }
      this.waiting.delete(frame.id);
      frame.type === "ack" ? w.resolve(frame.result) : w.reject(frame);
      return;
    }
    if (frame.type === "event") { onEvent(frame.event); return; }
    if (frame.type === "subscription_ended" && frame.code) showError(frame.message);
  },
  send(type, args = {}) {
    return new Promise((resolve, reject) => {
      if (!this.open) { reject({ code: "unavailable", message: "Not connected; retrying…" }); return; }
      const id = String(this.nextId++);
      this.waiting.set(id, { resolve, reject });
      this.ws.send(JSON.stringify({ type, id, ...args }));
    });
  },
};

function setConn(text, bad) {
  $("conn-state").textContent = text;
  $("conn-state").classList.toggle("bad", !!bad);
  document.body.dataset.connection = text;
}

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
  socket.connect();
  setInterval(() => socket.open && guard(loadRooms()), 5000);
}

async function onConnected() {
  await guard(loadRooms());
  if (state.room) await guard(subscribeRoom());
  if (state.conversation) await guard(subscribeConversation());
  for (const [cid, p] of state.pending) await sendPost(cid, p);
}

// ---------- rooms ----------
async function loadRooms() {
  const rooms = await socket.send("rooms.list");
  for (const r of rooms) {
    if (!state.roomNames.has(r.id)) state.roomNames.set(r.id, await roomTitle(r));
  }
  state.rooms = rooms;
  renderRooms();
}

async function roomTitle(room) {
  if (room.kind !== "direct" && room.name) return room.name;
  const ps = await socket.send("participants.list", { roomId: room.id });
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
    b.innerHTML = `<span class="avatar ${r.kind === "direct" ? "round" : "square"}"></span><span class="room-label"></span><span class="kind muted"></span>`;
    b.querySelector(".avatar").textContent = r.kind === "direct" ? initials(title) : "#";
    b.querySelector(".room-label").textContent = title;
    b.querySelector(".kind").textContent = r.kind === "direct" ? "direct" : "";
    b.onclick = () => guard(openRoom(r));
    li.append(b);
    return li;
  }));
  if (!state.rooms.length) ul.innerHTML = `<li class="muted small-text pad">No rooms yet. Create one, or message the Assistant.</li>`;
}

async function openRoom(room) {
  if (state.room && state.room.id !== room.id) guard(socket.send("rooms.unsubscribe", { roomId: state.room.id }));
  state.room = room;
  state.conversation = null;
  if (typeof assetsUi !== "undefined") assetsUi.onRoomChanged();
  document.body.classList.add("in-room");
  $("empty").hidden = true;
  $("room").hidden = false;
  $("room-name").textContent = state.roomNames.get(room.id) || room.name || "Room";
  $("add-person").hidden = room.kind === "direct";
  renderRooms();
  await subscribeRoom();
  state.conversations = await socket.send("conversations.list", { roomId: room.id });
  if (!state.conversations.length) {
    state.conversations = [await socket.send("conversations.create", { roomId: room.id, title: "General" })];
  }
  renderConversations();
  await openConversation(state.conversations[state.conversations.length - 1]);
}

async function subscribeRoom() {
  await socket.send("rooms.subscribe", { roomId: state.room.id });
  state.participants = await socket.send("participants.list", { roomId: state.room.id });
  renderPeople();
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
    b.onclick = () => guard(openConversation(c));
    return b;
  }));
}

// ---------- conversations and messages ----------
async function openConversation(conv) {
  if (state.conversation && state.conversation.id !== conv.id) guard(socket.send("unsubscribe", { conversationId: state.conversation.id }));
  state.conversation = conv;
  $("room").dataset.conversationId = conv.id;
  state.messages.clear();
  state.readMarkers.clear();
  state.typing.forEach((t) => clearTimeout(t));
  state.typing.clear();
  state.readSent = 0;
  $("message-list").replaceChildren();
  renderTyping();
  renderConversations();
  const page = await socket.send("messages.history", { conversationId: conv.id, limit: 30 });
  state.hasMore = page.hasMore;
  state.lastSeq = 0;
  state.oldestSeq = null;
  for (const m of page.messages) upsert(m);
  state.lastSeq = page.messages.reduce((s, m) => Math.max(s, m.lastSequence || m.sequence), 0);
  renderHistoryTop();
  scrollToEnd();
  await subscribeConversation();
  const markers = await socket.send("read_markers.list", { conversationId: conv.id });
  for (const m of markers) state.readMarkers.set(m.accountId, m.sequence);
  renderReadMarkers();
  markRead();
  $("text").focus();
}

async function subscribeConversation() {
  const cid = state.conversation.id;
  await socket.send("subscribe", { conversationId: cid, afterSequence: state.lastSeq });
}

function onEvent(e) {
  if (e.type && e.type.startsWith("room.")) return onRoomEvent(e);
  if (e.type === "conversation.created") {
    if (state.room && e.roomId === state.room.id && !state.conversations.some((c) => c.id === e.conversation.id)) {
      state.conversations.push(e.conversation);
      renderConversations();
    }
    return;
  }
  if (!state.conversation || e.conversationId !== state.conversation.id) return;
  switch (e.type) {
    case "conversation.message_posted":
    case "conversation.message_updated":
    case "conversation.message_deleted":
      if (e.sequence <= state.lastSeq) return;     // already seen: a replay after reconnect
      state.lastSeq = e.sequence;
      upsert(e.message, true);
      if (e.message.senderId !== state.me.id) clearTyping(e.message.senderId);
      markRead();
      break;
    case "conversation.message_delta": {
      const entry = state.messages.get(e.messageId);
      if (entry && entry.message.status === "streaming") {
        entry.text += e.delta;
        setBody(entry);
        stickToEnd();
      }
      break;
    }
    case "conversation.typing":
      if (e.actorId === state.me.id) return;
      e.isTyping ? setTyping(e.actorId) : clearTyping(e.actorId);
      break;
    case "conversation.read":
      state.readMarkers.set(e.actorId, e.sequence);
      renderReadMarkers();
      break;
    case "conversation.flow_failed":
      showError(`${nameOf(e.actorId)} could not answer: ${e.message || e.code || "failed"}`);
      break;
  }
}

function onRoomEvent(e) {
  if (!state.room || e.roomId !== state.room.id) return;
  if (e.type === "room.participant_added" || e.type === "room.participant_updated") {
    state.participants = state.participants.filter((p) => p.accountId !== e.participant.accountId).concat(e.participant);
    renderPeople();
  } else if (e.type === "room.participant_removed") {
    state.participants = state.participants.filter((p) => p.accountId !== (e.accountId || (e.participant && e.participant.accountId)));
    renderPeople();
  }
}

function upsert(m, live) {
  let entry = state.messages.get(m.id);
  if (!entry && m.clientMessageId && state.pending.has(m.clientMessageId) && m.senderId === state.me.id) {
    const p = state.pending.get(m.clientMessageId);
    state.pending.delete(m.clientMessageId);
    entry = { message: m, el: p.el, text: m.text || "" };
    state.messages.set(m.id, entry);
  }
  if (!entry) {
    entry = { message: m, el: messageElement(m), text: m.text || "" };
    state.messages.set(m.id, entry);
    insertInOrder(entry);
  }
  entry.message = m;
  if (m.status !== "streaming" || (m.text || "").length >= entry.text.length) entry.text = m.text || "";
  if (state.oldestSeq === null || m.sequence < state.oldestSeq) state.oldestSeq = m.sequence;
  render(entry);
  if (live) stickToEnd(m.senderId === state.me.id);
}

function messageElement(m) {
  const li = document.createElement("li");
  li.className = "msg";
  li.innerHTML = `<div class="avatar round"></div><div class="bubble"><div class="meta"><span class="who"></span><time></time><span class="status"></span></div><div class="body"></div><div class="seen muted"></div></div>`;
  return li;
}

function insertInOrder(entry) {
  const list = $("message-list");
  const seq = entry.message.sequence;
  entry.el.dataset.sequence = seq;
  const after = [...list.children].find((li) => li.dataset.sequence && Number(li.dataset.sequence) > seq);
  list.insertBefore(entry.el, after || null);
}

function render(entry) {
  const m = entry.message, el = entry.el;
  el.dataset.messageId = m.id;
  el.dataset.sequence = m.sequence;
  el.dataset.status = m.status;
  el.classList.toggle("mine", m.senderId === state.me.id);
  el.classList.toggle("agent", m.senderKind === "agent");
  el.classList.toggle("deleted", !!m.deletedAt);
  el.classList.remove("pending");
  el.querySelector(".avatar").textContent = initials(nameOf(m.senderId));
  el.querySelector(".who").textContent = nameOf(m.senderId);
  el.querySelector("time").textContent = new Date(m.createdAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  el.querySelector(".status").textContent = m.status === "streaming" ? "typing…" : m.status === "failed" ? "failed" : "";
  setBody(entry);
}

function setBody(entry) {
  const body = entry.el.querySelector(".body");
  body.textContent = entry.message.deletedAt ? "This message was deleted." : entry.text;
  if (entry.message.status === "streaming") body.insertAdjacentHTML("beforeend", `<span class="caret"></span>`);
  if (typeof assetsUi !== "undefined") assetsUi.renderAttachments(entry);
}

// ---------- sending ----------
function newId() {
  return (crypto.randomUUID && window.isSecureContext) ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2);
}

async function send(text, attachments = []) {
  const cid = state.conversation.id;
  const clientMessageId = newId();
  const el = messageElement();
  el.classList.add("msg", "mine", "pending");
  el.dataset.clientMessageId = clientMessageId;
  el.querySelector(".avatar").textContent = initials(state.me.displayName);
  el.querySelector(".who").textContent = state.me.displayName;
  el.querySelector(".status").textContent = "sending…";
  el.querySelector(".body").textContent = text;
  $("message-list").append(el);
  scrollToEnd();
  const p = { text, attachments, clientMessageId, el };
  state.pending.set(clientMessageId, p);
  await sendPost(cid, p);
}

async function sendPost(cid, p) {
  try {
    const m = await socket.send("messages.post", { conversationId: cid, text: p.text, attachments: p.attachments, clientMessageId: p.clientMessageId });
    if (state.pending.has(p.clientMessageId) && state.conversation && state.conversation.id === cid) {
      // The ack came before the event: place the message now; the event will be recognised by its sequence.
      state.pending.delete(p.clientMessageId);
      if (!state.messages.has(m.id)) {
        const entry = { message: m, el: p.el, text: m.text || "" };
        state.messages.set(m.id, entry);
        render(entry);
        p.el.remove();
        insertInOrder(entry);
      }
    }
  } catch (e) {
    if (e.code === "unavailable") { p.el.querySelector(".status").textContent = "waiting for connection…"; return; } // resent on reconnect
    state.pending.delete(p.clientMessageId);
    p.el.classList.add("failed");
    p.el.querySelector(".status").textContent = "not sent";
    showError(e);
  }
}

let typingSent = 0;
function typingNow() {
  const now = Date.now();
  if (!state.conversation || !socket.open || now - typingSent < 3000) return;
  typingSent = now;
  socket.send("typing", { conversationId: state.conversation.id, isTyping: true }).catch(() => {});
}

function setTyping(id) {
  clearTimeout(state.typing.get(id));
  state.typing.set(id, setTimeout(() => clearTyping(id), 6000));
  renderTyping();
}
function clearTyping(id) {
  clearTimeout(state.typing.get(id));
  if (state.typing.delete(id)) renderTyping();
}
function renderTyping() {
  const names = [...state.typing.keys()].map(nameOf);
  $("typing").textContent = names.length ? `${names.join(", ")} ${names.length > 1 ? "are" : "is"} typing…` : "";
}

// ---------- read markers ----------
function markRead() {
  if (!state.conversation || document.hidden || state.lastSeq <= state.readSent || !socket.open) return;
  state.readSent = state.lastSeq;
  socket.send("read", { conversationId: state.conversation.id, sequence: state.lastSeq }).catch(() => {});
}
function renderReadMarkers() {
  document.querySelectorAll(".msg .seen").forEach((s) => (s.textContent = ""));
  const bySeq = new Map();
  for (const [id, seq] of state.readMarkers) {
    if (id === state.me.id) continue;
    const target = [...state.messages.values()].filter((e) => e.message.sequence <= seq && e.message.senderId !== id).sort((a, b) => b.message.sequence - a.message.sequence)[0];
    if (!target) continue;
    if (!bySeq.has(target)) bySeq.set(target, []);
    bySeq.get(target).push(nameOf(id));
  }
  for (const [entry, names] of bySeq) entry.el.querySelector(".seen").textContent = "Seen by " + names.join(", ");
}

// ---------- older history ----------
async function loadOlder() {
  if (!state.hasMore || state.loadingOlder || !state.conversation || state.oldestSeq === null) return;
  state.loadingOlder = true;
  renderHistoryTop();
  const box = $("messages");
  const before = box.scrollHeight;
  try {
    const page = await socket.send("messages.history", { conversationId: state.conversation.id, before: state.oldestSeq, limit: 30 });
    state.hasMore = page.hasMore;
    for (const m of page.messages) if (!state.messages.has(m.id)) upsert(m);
    box.scrollTop += box.scrollHeight - before;
    renderReadMarkers();
  } finally {
    state.loadingOlder = false;
    renderHistoryTop();
  }
}
function renderHistoryTop() {
  $("history-top").textContent = state.loadingOlder ? "Loading older messages…" : state.hasMore ? "Scroll up for older messages" : "Beginning of the conversation";
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
    li.innerHTML = `<label><input type="${single ? "radio" : "checkbox"}" name="person"> <span class="avatar round"></span> <span class="pname"></span> <span class="muted"></span></label>`;
    li.querySelector("input").value = p.id;
    li.querySelector("input").dataset.kind = p.kind;
    li.querySelector("input").dataset.name = p.displayName;
    li.querySelector(".avatar").textContent = initials(p.displayName);
    li.querySelector(".pname").textContent = p.displayName;
    li.querySelector(".muted").textContent = p.kind === "agent" ? "agent" : "@" + p.id;
    return li;
  }));
  if (!people.length) $("dialog-people").innerHTML = `<li class="muted">Nobody else has signed in yet. Open another browser and sign in with another name.</li>`;
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
  const room = await socket.send("rooms.create", { name: r.name || "New room", participants: [{ accountId: state.me.id, role: "owner", displayName: state.me.displayName }, ...r.chosen] });
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
  const room = await socket.send("rooms.direct", { participants: [{ accountId: state.me.id, displayName: state.me.displayName }, r.chosen[0]] });
  state.roomNames.set(room.id, r.chosen[0].displayName);
  await loadRooms();
  await openRoom(room);
}

async function addPeople() {
  const r = await pickPeople({ title: "Add people", hint: "They see every conversation of this room." });
  if (!r) return;
  for (const p of r.chosen) await socket.send("participants.add", { roomId: state.room.id, participant: p });
  state.participants = await socket.send("participants.list", { roomId: state.room.id });
  renderPeople();
}

async function newConversation() {
  const title = prompt("Conversation title", "Conversation " + (state.conversations.length + 1));
  if (title === null) return;
  const c = await socket.send("conversations.create", { roomId: state.room.id, title: title || undefined });
  if (!state.conversations.some((x) => x.id === c.id)) state.conversations.push(c);
  await openConversation(c);
}

// ---------- helpers ----------
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
$("composer").addEventListener("submit", (e) => {
  e.preventDefault();
  const text = $("text").value.trim();
  const withFiles = typeof assetsUi !== "undefined" && assetsUi.hasPending();
  if ((!text && !withFiles) || !state.conversation) return;
  $("text").value = "";
  guard((async () => {
    const attachments = withFiles ? await assetsUi.takeAttachments() : [];
    if (text || attachments.length) await send(text, attachments);
  })());
});
$("text").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("composer").requestSubmit(); } else typingNow();
});
$("messages").addEventListener("scroll", () => { if ($("messages").scrollTop < 60) guard(loadOlder()); });
$("new-room").onclick = () => guard(newRoom());
$("new-direct").onclick = () => guard(newDirect());
$("add-person").onclick = () => guard(addPeople());
$("new-conversation").onclick = () => guard(newConversation());
$("back").onclick = () => document.body.classList.remove("in-room");
$("toast").onclick = () => ($("toast").hidden = true);
document.addEventListener("visibilitychange", markRead);
$("signin-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const res = await fetch("/demo/signin", { method: "POST", body: new URLSearchParams(new FormData(e.target)), redirect: "manual" });
  if (res.type === "opaqueredirect" || res.ok) location.reload();
  else showError((await res.json().catch(() => ({}))).detail || "Sign-in failed.");
});
window.addEventListener("unhandledrejection", (e) => showError(e.reason));

start().catch(showError);
