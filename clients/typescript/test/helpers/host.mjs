// The real sample host (samples/Conversations.SampleHost), started as a process on 127.0.0.1 for the tests.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { ConversationsClient, ExponentialBackoff } from "../../dist/index.js";

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, "../../../..");
export const sampleDll = process.env.CONVERSATIONS_SAMPLE_DLL
  ?? join(repoRoot, "samples/Conversations.SampleHost/bin/Release/net10.0/Conversations.SampleHost.dll");

/** A reconnect policy fast enough for tests (still exponential, still jittered). */
export const fastReconnect = () => new ExponentialBackoff({ initialDelayMs: 20, maxDelayMs: 250 });

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((res, rej) => {
    const server = createServer();
    server.once("error", rej);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => res(port));
    });
  });
}

/** Resolves when `promise` does, or rejects after `ms` with `what` in the message: a guard, not a clock. */
export function within(ms, promise, what) {
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`Timed out after ${ms} ms waiting for ${what}.`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Collects items pushed by callbacks and lets a test wait until a condition holds, woken by each push. */
export class Collector {
  items = [];
  #waiters = [];
  push = (item) => {
    this.items.push(item);
    for (const w of [...this.#waiters]) {
      if (w.test(this.items)) {
        this.#waiters.splice(this.#waiters.indexOf(w), 1);
        w.resolve(this.items);
      }
    }
  };
  /** Waits until `test(items)` is true (checked now and after every push). */
  until(test, what = "the expected items", ms = 20_000) {
    if (test(this.items)) return Promise.resolve(this.items);
    return within(ms, new Promise((resolve) => this.#waiters.push({ test, resolve })), what);
  }
}

/** Waits for one emission of a client event. */
export function once(client, name, ms = 20_000) {
  return within(ms, new Promise((resolve) => {
    const off = client.on(name, (...args) => {
      off();
      resolve(args);
    });
  }), `client event "${name}"`);
}

/** Waits until the client's state is `state`. */
export function stateIs(client, state, ms = 20_000) {
  if (client.state === state) return Promise.resolve();
  return within(ms, new Promise((resolve) => {
    const off = client.on("state", (s) => {
      if (s === state) {
        off();
        resolve();
      }
    });
  }), `state "${state}"`);
}

/** The sample host as a child process with its own data folder; stop and start it again on the same port. */
export class SampleHost {
  port = 0;
  dataFolder = mkdtempSync(join(tmpdir(), "conv-ts-"));
  #process = null;
  #log = [];
  #args;

  constructor(args = []) {
    this.#args = args;
  }

  static async start(args = []) {
    if (!existsSync(sampleDll)) {
      throw new Error(`The sample host is not built (${sampleDll}). Run: dotnet build samples/Conversations.SampleHost -c Release`);
    }
    const host = new SampleHost(args);
    host.port = await freePort();
    await host.run();
    return host;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  get log() {
    return this.#log.join("");
  }

  async run() {
    const args = [
      sampleDll,
      "--urls", this.baseUrl,
      "--DataFolder", this.dataFolder,
      "--DemoAgent:WordDelay", "00:00:00.010",
      "--DemoAgent:ThinkingDelay", "00:00:00.020",
      "--Logging:LogLevel:Default", "Warning",
      ...this.#args,
    ];
    const child = spawn("dotnet", args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, DOTNET_NOLOGO: "1", ASPNETCORE_ENVIRONMENT: "Production" } });
    this.#process = child;
    child.stdout.on("data", (d) => this.#log.push(d.toString()));
    child.stderr.on("data", (d) => this.#log.push(d.toString()));
    const exited = new Promise((_, rej) => child.once("exit", (code) => rej(new Error(`The sample host exited (${code}) before it was ready:\n${this.log}`))));
    await within(60_000, Promise.race([this.#ready(), exited]), "the sample host to answer /health");
    exited.catch(() => {});
  }

  async #ready() {
    for (;;) {
      try {
        const res = await fetch(this.baseUrl + "/health");
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100)); // polling a process we do not control, not test synchronisation
    }
  }

  /** Stops the process gracefully (the host closes its sockets with 1001). */
  async stop() {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    this.#process = null;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    try {
      await within(20_000, exited, "the sample host to stop");
    } catch {
      child.kill("SIGKILL");
      await exited;
    }
  }

  async restart() {
    await this.stop();
    await this.run();
  }

  async dispose() {
    await this.stop();
    rmSync(this.dataFolder, { recursive: true, force: true });
  }

  /** A new guest token (a new account) from the development-only guest-token endpoint. */
  async guestToken() {
    const res = await fetch(this.baseUrl + "/demo/guest-token", { method: "POST" });
    if (!res.ok) throw new Error(`guest-token: HTTP ${res.status}`);
    return res.json();
  }

  /** A connected client for a new guest, through `url` (default this host). */
  async client({ url, ...options } = {}) {
    const token = (await this.guestToken()).accessToken;
    const client = new ConversationsClient({
      url: (url ?? this.baseUrl) + "/conversations",
      accessToken: () => token,
      WebSocket,
      reconnect: fastReconnect(),
      ...options,
    });
    await client.connect();
    return client;
  }
}
