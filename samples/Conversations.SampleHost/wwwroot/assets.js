// Conversations sample chat: files. Attach by picking, pasting or dragging; upload progress; image previews and file
// cards in messages; a room "Files" panel that browses the room's library folders.
// Uploads follow the protocol: assets.upload.begin → PUT the bytes to the presigned URL → assets.upload.complete.
// app.js creates it with its client (the TypeScript SDK), state and helpers, and calls the hooks it returns.

/** Creates the files UI and wires its controls; returns the hooks app.js calls. */
export function createAssetsUi({ client, state, $, showError, guard }) {
  const command = (type, args, retryable = true) => client.command(type, args, { retryable });
  const INLINE = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
  const tray = [];              // { id, file, status: "uploading" | "ready" | "failed", progress, asset, promise, el }
  let nextTrayId = 1;
  let folder = "/";

  // ---------- uploading ----------
  async function sha256Hex(file) {
    if (!(crypto.subtle && window.isSecureContext)) return undefined;
    const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
    return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  }

  function put(upload, file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open(upload.method, upload.url);
      for (const [name, value] of Object.entries(upload.headers || {})) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(e.loaded / e.total); };
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) { onProgress(1); resolve(); return; }
        let detail = `Storage refused the upload (${xhr.status}).`;
        try { detail = JSON.parse(xhr.responseText).detail || detail; } catch { /* not JSON */ }
        reject(new Error(detail));
      };
      xhr.onerror = () => reject(new Error("The upload failed: network error."));
      xhr.send(file);
    });
  }

  /** Uploads one file into a scope and folder; resolves to the ready asset. */
  async function upload(file, scope, targetFolder, onProgress) {
    const mediaType = file.type || "application/octet-stream";
    const sha256 = await sha256Hex(file);
    const ticket = await command("assets.upload.begin", { scope, folder: targetFolder, name: file.name || "pasted", mediaType, size: file.size, sha256 }, false);
    await put(ticket.upload, file, onProgress);
    return await command("assets.upload.complete", { assetId: ticket.asset.id, sha256 });
  }

  // ---------- the composer's tray ----------
  function addFiles(files) {
    if (!state.room) return;
    for (const original of files) {
      // A pasted image has a generic name; give it one people can tell apart.
      const file = original.name && original.name !== "image.png" ? original
        : new File([original], `pasted-${new Date().toISOString().replace(/[:.]/g, "-")}.${(original.type.split("/")[1] || "bin")}`, { type: original.type });
      const item = { id: nextTrayId++, file, status: "uploading", progress: 0, asset: null, el: null };
      item.el = trayElement(item);
      $("attach-tray").append(item.el);
      $("attach-tray").hidden = false;
      tray.push(item);
      item.promise = upload(file, "room:" + state.room.id, "/", (p) => { item.progress = p; renderTrayItem(item); })
        .then((asset) => { item.asset = asset; item.status = "ready"; })
        .catch((e) => { item.status = "failed"; item.error = e; showError(e); })
        .finally(() => renderTrayItem(item));
    }
  }

  function trayElement(item) {
    const el = document.createElement("div");
    el.className = "tray-item";
    el.dataset.trayId = item.id;
    if (item.file.type.startsWith("image/")) {
      const img = document.createElement("img");
      img.alt = "";
      img.src = URL.createObjectURL(item.file);
      el.append(img);
    } else {
      const icon = document.createElement("div");
      icon.className = "file-icon";
      icon.textContent = extension(item.file.name);
      el.append(icon);
    }

    const info = document.createElement("div");
    info.className = "tray-info";
    const name = document.createElement("div");
    name.className = "tray-name";
    name.textContent = item.file.name;
    const bar = document.createElement("progress");
    bar.max = 1;
    bar.value = 0;
    const size = document.createElement("div");
    size.className = "muted small-text";
    size.textContent = formatSize(item.file.size);
    info.append(name, bar, size);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "link tray-remove";
    remove.title = "Remove";
    remove.textContent = "×";
    remove.onclick = () => removeFromTray(item);
    el.append(info, remove);
    return el;
  }

  function renderTrayItem(item) {
    const bar = item.el.querySelector("progress");
    bar.value = item.progress;
    item.el.dataset.status = item.status;
    bar.hidden = item.status !== "uploading";
  }

  function removeFromTray(item) {
    const i = tray.indexOf(item);
    if (i >= 0) tray.splice(i, 1);
    item.el.remove();
    $("attach-tray").hidden = tray.length === 0;
  }

  /** Waits for the tray's uploads, empties it, and returns the attachments to post. */
  async function takeAttachments() {
    await Promise.all(tray.map((t) => t.promise));
    const ready = tray.filter((t) => t.status === "ready").map((t) => ({ assetId: t.asset.id }));
    for (const item of [...tray]) removeFromTray(item);
    return ready;
  }

  const hasPending = () => tray.length > 0;

  // ---------- attachments in messages ----------
  function linkFor(message, attachment) {
    const via = `conversationId=${encodeURIComponent(message.conversationId)}&messageId=${encodeURIComponent(message.id)}`;
    return `/conversations/assets/${encodeURIComponent(attachment.assetId)}?${via}`;
  }

  /** Shows a message's attachments under its text: previews for safe images, cards for other files. */
  function renderAttachments(el, message, text) {
    const body = el.querySelector(".body");
    el.querySelector(".files")?.remove();
    body.hidden = false;
    if (!message || message.deletedAt || !message.attachments || message.attachments.length === 0) return;
    const box = document.createElement("div");
    box.className = "files";
    for (const a of message.attachments) box.append(a.assetId ? attachmentElement(message, a) : unavailableCard(a));
    body.after(box);
    if (!text) body.hidden = true;
  }

  function attachmentElement(message, a) {
    const href = linkFor(message, a);
    const link = document.createElement("a");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.title = a.name;
    if (INLINE.has(a.mediaType)) {
      link.className = "file-preview";
      const img = document.createElement("img");
      img.loading = "lazy";
      img.alt = a.name;
      img.src = href;
      link.append(img);
      return link;
    }

    link.className = "file-card";
    link.setAttribute("download", a.name);
    const icon = document.createElement("div");
    icon.className = "file-icon";
    icon.textContent = extension(a.name);
    const info = document.createElement("div");
    const name = document.createElement("div");
    name.className = "file-name";
    name.textContent = a.name;
    const meta = document.createElement("div");
    meta.className = "muted small-text";
    meta.textContent = `${formatSize(a.size)} · ${a.mediaType}`;
    info.append(name, meta);
    link.append(icon, info);
    return link;
  }

  function unavailableCard(a) {
    const card = document.createElement("div");
    card.className = "file-card unavailable";
    card.textContent = `${a.name || "file"} (no longer available)`;
    return card;
  }

  // ---------- the room's Files panel ----------
  async function openFiles() {
    $("files-panel").hidden = false;
    folder = "/";
    await listFolder();
  }

  async function listFolder() {
    if (!state.room) return;
    const scope = "room:" + state.room.id;
    const list = $("files-list");
    list.replaceChildren();
    renderCrumbs();
    let cursor;
    do {
      const page = await command("assets.list", { scope, folder, cursor, limit: 100 });
      for (const f of page.folders) list.append(folderRow(f));
      for (const a of page.assets) list.append(assetRow(a));
      cursor = page.nextCursor;
    } while (cursor);
    if (!list.children.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "No files here yet.";
      list.append(li);
    }
  }

  function renderCrumbs() {
    const crumbs = $("files-crumbs");
    crumbs.replaceChildren();
    const parts = folder === "/" ? [] : folder.slice(1).split("/");
    const top = document.createElement("button");
    top.className = "link";
    top.textContent = "Files";
    top.onclick = () => { folder = "/"; guard(listFolder()); };
    crumbs.append(top);
    parts.forEach((part, i) => {
      crumbs.append(" / ");
      const b = document.createElement("button");
      b.className = "link";
      b.textContent = part;
      const path = "/" + parts.slice(0, i + 1).join("/");
      b.onclick = () => { folder = path; guard(listFolder()); };
      crumbs.append(b);
    });
  }

  function folderRow(f) {
    const li = document.createElement("li");
    li.className = "folder-row";
    const b = document.createElement("button");
    b.className = "link";
    b.textContent = f.name;
    b.onclick = () => { folder = f.path; guard(listFolder()); };
    li.append(b);
    return li;
  }

  function assetRow(a) {
    const li = document.createElement("li");
    li.className = "asset-row";
    const link = document.createElement("a");
    link.href = `/conversations/assets/${encodeURIComponent(a.id)}`;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = a.name;
    const meta = document.createElement("span");
    meta.className = "muted small-text";
    meta.textContent = ` ${formatSize(a.size)} · ${a.mediaType}`;
    const del = document.createElement("button");
    del.className = "link";
    del.title = "Delete";
    del.textContent = "Delete";
    del.onclick = () => guard((async () => {
      if (!confirm(`Delete ${a.name}?`)) return;
      await command("assets.delete", { assetId: a.id }, false);
      await listFolder();
    })());
    li.append(link, meta, " ", del);
    return li;
  }

  async function newFolder() {
    const name = prompt("Folder name");
    if (!name) return;
    await command("assets.folders.create", { scope: "room:" + state.room.id, path: (folder === "/" ? "" : folder) + "/" + name });
    await listFolder();
  }

  async function uploadHere(files) {
    for (const file of files) {
      const row = document.createElement("li");
      row.className = "muted";
      const bar = document.createElement("progress");
      bar.max = 1;
      row.append(file.name + " ", bar);
      $("files-list").prepend(row);
      await upload(file, "room:" + state.room.id, folder, (p) => (bar.value = p));
    }

    await listFolder();
  }

  // ---------- helpers ----------
  function extension(name) {
    const dot = (name || "").lastIndexOf(".");
    return dot > 0 ? name.slice(dot + 1, dot + 5).toUpperCase() : "FILE";
  }

  function formatSize(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
    return `${(n / 1024 / 1024).toFixed(1)} MB`;
  }

  // ---------- wiring ----------
  $("attach").onclick = () => $("file-input").click();
  $("file-input").onchange = (e) => { addFiles([...e.target.files]); e.target.value = ""; };
  $("text").addEventListener("paste", (e) => {
    const files = [...(e.clipboardData?.files || [])];
    if (files.length) { e.preventDefault(); addFiles(files); }
  });
  const dropZone = $("room");
  dropZone.addEventListener("dragover", (e) => { if (e.dataTransfer?.types?.includes("Files")) { e.preventDefault(); dropZone.classList.add("dropping"); } });
  dropZone.addEventListener("dragleave", (e) => { if (e.target === dropZone) dropZone.classList.remove("dropping"); });
  dropZone.addEventListener("drop", (e) => {
    dropZone.classList.remove("dropping");
    const files = [...(e.dataTransfer?.files || [])];
    if (files.length) { e.preventDefault(); addFiles(files); }
  });
  $("files-button").onclick = () => guard(openFiles());
  $("files-close").onclick = () => ($("files-panel").hidden = true);
  $("files-new-folder").onclick = () => guard(newFolder());
  $("files-upload").onclick = () => $("files-input").click();
  $("files-input").onchange = (e) => { const files = [...e.target.files]; e.target.value = ""; guard(uploadHere(files)); };

  return { renderAttachments, takeAttachments, hasPending, upload, onRoomChanged: () => { $("files-panel").hidden = true; for (const item of [...tray]) removeFromTray(item); } };
}
