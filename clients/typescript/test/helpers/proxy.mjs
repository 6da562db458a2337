// A TCP proxy on 127.0.0.1 between a client and the host that a test can cut, close to new connections, or make
// drop everything the server says: a network failure on demand.
import { createServer, connect } from "node:net";

export class CuttableProxy {
  /** When true, new connections are closed at once (the server looks down). */
  refuse = false;
  /** When true, bytes from the server are dropped (answers are lost on the way). */
  muteServer = false;
  #server;
  #pairs = new Set();
  port = 0;

  static async start(targetPort) {
    const proxy = new CuttableProxy();
    proxy.#server = createServer((client) => proxy.#accept(client, targetPort));
    await new Promise((res) => proxy.#server.listen(0, "127.0.0.1", res));
    proxy.port = proxy.#server.address().port;
    return proxy;
  }

  get baseUrl() {
    return `http://127.0.0.1:${this.port}`;
  }

  /** How many connections pass through now. */
  get connections() {
    return this.#pairs.size;
  }

  #accept(client, targetPort) {
    if (this.refuse) {
      client.destroy();
      return;
    }
    const server = connect(targetPort, "127.0.0.1");
    const pair = { client, server };
    this.#pairs.add(pair);
    const drop = () => {
      this.#pairs.delete(pair);
      client.destroy();
      server.destroy();
    };
    client.on("data", (d) => server.write(d));
    server.on("data", (d) => {
      if (!this.muteServer) client.write(d);
    });
    client.on("error", drop);
    server.on("error", drop);
    client.on("close", drop);
    server.on("close", drop);
  }

  /** Cuts every connection now, without a close handshake. */
  cut() {
    for (const { client, server } of [...this.#pairs]) {
      client.destroy();
      server.destroy();
    }
    this.#pairs.clear();
  }

  async close() {
    this.cut();
    await new Promise((res) => this.#server.close(res));
  }
}
