// A scripted conversations.v1.json server on 127.0.0.1 for tests that need frames the real host never sends.
import { WebSocketServer } from "ws";
import { Collector } from "./host.mjs";

export const welcome = JSON.stringify({ type: "welcome", protocol: "conversations.v1.json", accountId: "alice", accountKind: "user", maxMessageBytes: 262144 });
const servers = [];

/** A server that greets (unless told not to) and hands each connection and the frames it receives to `onConnection`. */
export async function fakeServer(onConnection, { greet = true } = {}) {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: (protocols) => (protocols.has("conversations.v1.json") ? "conversations.v1.json" : false) });
  await new Promise((r) => wss.once("listening", r));
  servers.push(wss);
  wss.on("connection", (socket) => {
    const frames = new Collector();
    socket.on("message", (data) => frames.push(JSON.parse(data.toString())));
    if (greet) socket.send(welcome);
    onConnection(socket, frames);
  });
  return { wss, url: `ws://127.0.0.1:${wss.address().port}/conversations` };
}

/** Closes every server started by this process. */
export async function closeFakeServers() {
  for (const wss of servers.splice(0)) {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  }
}

/** Waits for the first command of `type` and returns it. */
export async function command(frames, type) {
  const items = await frames.until((f) => f.some((x) => x.type === type), `a "${type}" command`);
  return items.find((x) => x.type === type);
}
